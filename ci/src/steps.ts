// Maps the pipeline's steps to Dagger calls. Nothing here decides: versions, tags,
// labels, pins, helm arguments and alias decisions all come from the bundled library.
import { dag, Container, Directory, File, Platform, Secret } from "@dagger.io/dagger";
import * as ch from "../lib/charthouse.js";

/** Registry credentials as the module holds them: the password only ever as a Secret. */
export interface ModuleCredentials {
  readonly username: string;
  readonly password: Secret;
}

const STAMP_FORMAT = (iso: string): string => iso.replace("T", " ").replace(/(\.\d+)?Z$/, "");

/** A project's steps walked on the Dagger engine, keeping what later steps need. */
export class DaggerSteps {
  private readonly images = new Map<string, Container[]>();
  private readonly digests = new Map<string, string>();
  private readonly charts = new Map<string, Container>();
  private readonly packages = new Map<string, File>();
  readonly published: { reference: string; digest: string }[] = [];
  readonly aliases: ch.AliasOutcome[] = [];

  constructor(
    private readonly source: Directory,
    /** Path of the project inside `source` ("" for its root). */
    private readonly plan: ch.Plan,
    private readonly root: string,
    private readonly credentials: ModuleCredentials | undefined,
    private readonly client: ch.RegistryClient,
    private readonly bundle: File,
  ) {
    for (const image of plan.images) if (image.publication.action === "skip") this.digests.set(image.name, image.publication.digest);
  }

  /** Built containers of an image, one per platform (after its build step ran). */
  built(name: string): Container[] {
    const variants = this.images.get(name);
    if (!variants) throw new Error(`bug: image ${name} used before its build step`);
    return variants;
  }

  packaged(): File[] {
    return [...this.packages.values()];
  }

  async run(step: ch.Step): Promise<void> {
    switch (step.kind) {
      case "build": {
        const { build, labels, name } = step.image;
        const context = this.source.directory(this.rel(build.context));
        const variants = build.platforms.map((platform) => {
          let container = context.dockerBuild({
            dockerfile: relativeTo(build.context, build.dockerfile),
            platform: platform as Platform,
            target: build.target,
            buildArgs: Object.entries(build.buildArgs).map(([name, value]) => ({ name, value })),
          });
          for (const [key, value] of Object.entries(labels)) container = container.withLabel(key, value);
          return container;
        });
        await Promise.all(variants.map((v) => v.sync()));
        this.images.set(name, variants);
        return;
      }
      case "smoke":
        await this.built(step.image.name)[0]!.withExec([...step.command]).sync();
        return;
      case "test": {
        let container = this.built(step.image.name)[0]!;
        for (const service of step.test.services) container = container.withServiceBinding(service.name, this.service(service));
        for (const [key, value] of Object.entries(step.test.env)) container = container.withEnvVariable(key, value);
        for (const cache of step.test.caches) container = container.withMountedCache(cache.path, dag.cacheVolume(cache.key));
        await container.withExec([...step.test.command]).sync();
        return;
      }
      case "chart-deps":
        this.charts.set(step.chart.name, await this.stageChart(step.chart));
        return;
      case "lint":
        await this.chart(step.chart.name).withExec(["helm", ...ch.helmArgs.lint(this.chartDir(step.chart))]).sync();
        return;
      case "template":
        await this.chart(step.chart.name).withExec(["helm", ...ch.helmArgs.template(step.chart.name, this.chartDir(step.chart))]).sync();
        return;
      case "push-image": {
        const { repository, tag, name } = step.image;
        const existing = ch.decideImmutable(`${repository}:${tag}`, (await ch.readTag(this.client, repository, tag)) ?? undefined, this.plan.context.commit);
        if (existing.action === "refuse") throw new Error(existing.reason);
        if (existing.action === "skip") {
          this.digests.set(name, existing.digest);
          return;
        }
        const [first, ...rest] = this.built(name).map((c) => this.authenticated(c, repository));
        const reference = await first!.publish(`${repository}:${tag}`, rest.length ? { platformVariants: rest } : undefined);
        const digest = reference.slice(reference.indexOf("@") + 1);
        this.digests.set(name, digest);
        this.published.push({ reference: `${repository}:${tag}`, digest });
        return;
      }
      case "package-chart": {
        // Staged again: the pins now carry the digests just pushed.
        const staged = await this.stageChart(step.chart);
        const packaged = staged.withExec(["helm", ...ch.helmArgs.package(this.chartDir(step.chart), "/out")]);
        const file = `${step.chart.name}-${step.chart.version}.tgz`;
        const canonical = dag
          .container()
          .from(ch.TOOL_IMAGES.node)
          .withFile("/charthouse/charthouse.js", this.bundle)
          .withFile(`/out/${file}`, packaged.file(`/out/${file}`))
          .withExec(["node", "--input-type=module", "-e", `(await import("/charthouse/charthouse.js")).canonicalizePackage("/out/${file}")`]);
        this.packages.set(step.chart.name, canonical.file(`/out/${file}`));
        return;
      }
      case "push-chart": {
        const { repository, version, pushTo, name } = step.chart;
        const existing = ch.decideImmutable(`${repository}:${version}`, (await ch.readTag(this.client, repository, ch.versionToTag(version))) ?? undefined, this.plan.context.commit);
        if (existing.action === "refuse") throw new Error(existing.reason);
        if (existing.action === "skip") return;
        const host = ch.parseRepository(repository).host;
        const plainHttp = ch.isLoopbackHost(host);
        const pkg = `/charts/${name}-${version}.tgz`;
        let helm = this.helmTools().withFile(pkg, this.packages.get(name)!);
        // helm's registry config holds the login: on a tmpfs, so no layer or cache keeps it.
        helm = helm.withMountedTemp("/run/charthouse").withEnvVariable("HELM_REGISTRY_CONFIG", "/run/charthouse/registry.json");
        const push = ch.shellQuote(["helm", ...ch.helmArgs.push(pkg, pushTo, { plainHttp })]);
        if (this.credentials) {
          const login = ch.shellQuote(["helm", ...ch.helmArgs.registryLogin(host, this.credentials.username, { plainHttp })]);
          helm = helm.withSecretVariable("CHARTHOUSE_REGISTRY_PASSWORD", this.credentials.password);
          await helm.withExec(["sh", "-c", `printf %s "$CHARTHOUSE_REGISTRY_PASSWORD" | ${login} && ${push}`]).sync();
        } else {
          await helm.withExec(["sh", "-c", push]).sync();
        }
        const digest = (await this.client.headManifest(repository, ch.versionToTag(version)))?.digest;
        this.published.push({ reference: `${repository}:${version}`, digest: digest ?? "unknown" });
        return;
      }
      case "move-alias":
        this.aliases.push(await ch.moveAlias(this.client, step.move));
        return;
    }
  }

  private rel(absolute: string): string {
    const inside = relativeTo(this.root, absolute);
    return inside === "" ? "." : inside;
  }

  private service(service: ch.ServicePlan) {
    const builtName = this.plan.images.find((i) => `${i.repository}:${i.tag}` === service.image)?.name;
    let container = builtName ? this.built(builtName)[0]! : dag.container().from(service.image);
    for (const [key, value] of Object.entries(service.env)) container = container.withEnvVariable(key, value);
    // Dagger waits for the exposed port to answer; `ready` checks are the Docker runner's.
    container = container.withExposedPort(service.port);
    return service.command ? container.asService({ args: [...service.command] }) : container.asService({ useEntrypoint: true });
  }

  private authenticated(container: Container, repository: string): Container {
    return this.credentials ? container.withRegistryAuth(ch.parseRepository(repository).host, this.credentials.username, this.credentials.password) : container;
  }

  private helmTools(): Container {
    return dag.container().from(ch.TOOL_IMAGES.helm).withMountedCache("/root/.cache/helm", dag.cacheVolume("charthouse-helm-cache")).withEntrypoint([]);
  }

  private chart(name: string): Container {
    const staged = this.charts.get(name);
    if (!staged) throw new Error(`bug: chart ${name} used before its dependency step`);
    return staged;
  }

  private chartDir(chart: ch.ChartPlan): string {
    return `/src/${this.rel(chart.path)}`;
  }

  /**
   * The chart in the helm container: the source mounted, Chart.yaml and values.yaml
   * rewritten by the library (version, appVersion, annotations, pins), every file
   * stamped with the commit's time, dependencies built, a generated Chart.lock stamped.
   */
  /** Only the chart and its local dependencies: a change elsewhere (or git refs moving) keeps chart steps cached. */
  private async chartTree(dir: string): Promise<Directory> {
    let tree = dag.directory();
    for (const path of await chartDirs(this.source, dir)) tree = tree.withDirectory(path, this.source.directory(path));
    return tree;
  }

  private async stageChart(chart: ch.ChartPlan): Promise<Container> {
    const dir = this.rel(chart.path);
    const chartYaml = await this.source.file(`${dir}/Chart.yaml`).contents();
    const values = await this.source.file(`${dir}/values.yaml`).contents().catch(() => "");
    const settings = ch.pinSettings(chart, this.digests);
    const created = chart.annotations[ch.OCI.created] ?? this.plan.context.created;
    const stamp = `find /src -exec touch -d ${JSON.stringify(STAMP_FORMAT(created))} {} +`;
    return this.helmTools()
      .withMountedDirectory("/src", await this.chartTree(dir))
      .withNewFile(`/src/${dir}/Chart.yaml`, ch.rewriteChartYaml(chartYaml, { version: chart.version, appVersion: chart.appVersion, annotations: chart.annotations }))
      .withNewFile(`/src/${dir}/values.yaml`, settings.length ? ch.rewriteValuesYaml(values, settings) : values)
      .withExec(["sh", "-c", stamp])
      .withExec(["helm", ...ch.helmArgs.dependencyBuild(`/src/${dir}`)])
      .withExec(["sh", "-c", `if [ -f /src/${dir}/Chart.lock ]; then sed -i 's/^generated: .*/generated: "${created}"/' /src/${dir}/Chart.lock; fi && ${stamp}`]);
  }
}

/** The chart's directory and its local dependencies' (recursively), by path relative to the project. */
async function chartDirs(source: Directory, dir: string, seen = new Set<string>()): Promise<Set<string>> {
  if (seen.has(dir)) return seen;
  seen.add(dir);
  const text = await source.file(`${dir}/Chart.yaml`).contents();
  const files = { readText: () => text, isDirectory: () => false, exists: () => true };
  for (const dep of ch.localDependencyDirs(ch.readChart(`/${dir}`, files))) await chartDirs(source, dep.slice(1), seen);
  return seen;
}

/** `a/b` relative to `a` → `b`; paths are absolute and POSIX. */
export function relativeTo(from: string, to: string): string {
  const base = from.endsWith("/") ? from : `${from}/`;
  if (to === from) return "";
  if (!to.startsWith(base)) throw new Error(`bug: ${to} is not inside ${from}`);
  return to.slice(base.length);
}
