// The Engine primitives on Dagger. Each carries the meaning src/release/engine.ts gives it; what to
// build, gate, push or move, and every argument list, comes from the library (src/engines/dagger).
import { dag, Container, Directory, File, Platform, Secret, Service } from "@dagger.io/dagger";
import * as ch from "../lib/charthouse.js";

/** The images the module runs its tools in, pinned: helm's major line is the one src/chart's argument lists are tested with. */
export const TOOL_IMAGES = { helm: "alpine/helm:4.1.4", node: "node:20.20-alpine" } as const;

/** Registry credentials as the module holds them: the password only ever as a Secret. */
export type ModuleCredentials = { readonly username: string; readonly password: Secret };
/** A started service and the name the suite reaches it by. */
type NamedService = { readonly name: string; readonly service: Service };
/** A chart staged in the pinned helm image, at `/src/<chartDir>`. */
type StagedChart = { readonly helm: Container; readonly dir: string };

const STAGE = "/src";

/** The library run as a script (`lib` is the bundle) in the node tool image, set up by `setup`. */
export function tool(script: string, setup: (c: Container) => Container = (c) => c): Container {
  const node = setup(dag.container().from(TOOL_IMAGES.node).withFile("/charthouse/charthouse.js", dag.currentModule().source().file("lib/charthouse.js")));
  return node.withExec(["node", "--input-type=module", "-e", `const lib = await import("/charthouse/charthouse.js"); ${script}`]);
}

export function daggerEngine(o: { source: Directory; credentials?: ModuleCredentials; client: ch.RegistryClient }): ch.Engine<Container[], NamedService[], StagedChart, File> {
  const helmTools = (): Container => dag.container().from(TOOL_IMAGES.helm).withMountedCache("/root/.cache/helm", dag.cacheVolume("charthouse-helm-cache")).withEntrypoint([]);
  const withEnv = (c: Container, env: Readonly<Record<string, string>>) => Object.entries(env).reduce((c, [key, value]) => c.withEnvVariable(key, value), c);
  const synced = (container: Container): Promise<Container> => container.sync().catch((error: unknown) => Promise.reject(ch.execFailure(error)));
  /** `tree` with the stage's files written over it. */
  const withStageFiles = (tree: Directory, stage: ch.ChartStage): Directory => Object.entries(stage.files).reduce((t, [path, content]) => t.withNewFile(path, content), tree);
  /** helm's container with `tree` at STAGE, every file at the stage's time (helm 4 packages file times). */
  const mountedStage = (tree: Directory, stage: ch.ChartStage): Container => helmTools().withMountedDirectory(STAGE, tree.withTimestamps(Math.floor(Date.parse(stage.time) / 1000)));
  const authenticated = (c: Container, host: string): Container => (o.credentials ? c.withRegistryAuth(host, o.credentials.username, o.credentials.password) : c);

  return {
    // Dagger builds every platform and needs no engine of the caller's: nothing to refuse. BuildKit shares the stages of builds in flight.
    preflight: async () => ({ sharedBuilds: true }),

    async build({ build, labels }) {
      // The build context without git's store: a fetch must not invalidate the build cache.
      const context = o.source.directory(build.context).withoutDirectory(".git");
      const variants = build.platforms.map((platform) => {
        const options = ch.daggerBuildOptions(build, platform);
        const built = context.dockerBuild({ ...options, platform: options.platform as Platform });
        return Object.entries(labels).reduce((c, [key, value]) => c.withLabel(key, value), built);
      });
      return Promise.all(variants.map(synced));
    },

    async exec(image, command, opts = {}) {
      let container = withEnv(image[0]!, opts.env ?? {});
      // A Docker volume starts as a copy of the image's directory, owned as it is there: seed the cache the same way.
      const user = await container.user();
      for (const cache of opts.caches ?? []) {
        const seed = (await container.exists(cache.path)) ? { source: container.directory(cache.path) } : {};
        container = container.withMountedCache(cache.path, dag.cacheVolume(cache.key), { ...seed, ...(user ? { owner: user } : {}) });
      }
      for (const { name, service } of opts.services ?? []) container = container.withServiceBinding(name, service);
      await synced(container.withExec([...command], { useEntrypoint: true }));
    },

    async startServices(services) {
      const started = services.map(({ service, image }) => {
        let container = withEnv("built" in image ? image.built[0]! : dag.container().from(image.reference), service.env).withExposedPort(service.port);
        const health = ch.daggerHealthcheck(service);
        if (health) container = container.withDockerHealthcheck(health.args, health.opts);
        // A hostname makes a started service reachable by the other services too, not only by the containers bound to it.
        return container.asService({ ...(service.command ? { args: [...service.command] } : {}), useEntrypoint: true }).withHostname(service.name);
      });
      try {
        return await Promise.all(started.map(async (s, i) => ({ name: services[i]!.service.name, service: await s.start() })));
      } catch (error) {
        throw new ch.StepFailed(`a service did not become ready: ${(error as Error).message}`);
      }
    },

    stopServices: async (services) => void (await Promise.all(services.map((s) => s.service.stop()))),

    async push(image, reference) {
      const [first, ...rest] = image.map((c) => authenticated(c, ch.referenceHost(reference)));
      const published = await first!.publish(reference, rest.length ? { platformVariants: rest } : undefined);
      return published.slice(published.indexOf("@") + 1);
    },

    async stageChart(stage) {
      const tree = stage.dirs.reduce((t, dir) => t.withDirectory(dir, o.source.directory(dir)), dag.directory());
      const dir = `${STAGE}/${stage.chartDir}`;
      const built = await synced(mountedStage(withStageFiles(tree, stage), stage).withExec(["helm", ...ch.helmArgs.dependencyBuild(dir)]));
      let settled = built.directory(STAGE);
      const lock = `${stage.chartDir}/Chart.lock`;
      if (await settled.exists(lock)) settled = settled.withNewFile(lock, ch.settleChartLock(await settled.file(lock).contents(), stage.time));
      return { helm: mountedStage(settled, stage), dir };
    },

    restageChart: async (chart, stage) => ({ helm: mountedStage(withStageFiles(chart.helm.directory(STAGE), stage), stage), dir: chart.dir }),

    helm: async (chart, args) => (await synced(chart.helm.withExec(["helm", ...args(chart.dir)]))).stdout(),

    async packageChart(chart, fileName) {
      const out = `/out/${fileName}`;
      const packaged = chart.helm.withExec(["helm", ...ch.helmArgs.package(chart.dir, "/out")]);
      // The library's canonicaliser, run where the package is: same chart, same bytes on either engine.
      return (await synced(tool(`lib.canonicalizePackage(${JSON.stringify(out)})`, (c) => c.withFile(out, packaged.file(out))))).file(out);
    },

    async pushChart(pkg, pushTo, reference) {
      const file = `/charts/${await pkg.name()}`;
      // helm's registry config holds the login: on a tmpfs, so no layer or cache keeps it.
      let helm = helmTools().withFile(file, pkg).withMountedTemp("/run/charthouse").withEnvVariable("HELM_REGISTRY_CONFIG", "/run/charthouse/registry.json");
      if (o.credentials) helm = helm.withSecretVariable("CHARTHOUSE_REGISTRY_PASSWORD", o.credentials.password);
      await synced(helm.withExec(["sh", "-c", ch.helmPushScript(file, pushTo, o.credentials?.username)]));
      return ch.pushedDigest(o.client, reference, "helm push");
    },

    close: async () => {}, // the engine keeps nothing of a run's outside its cache
  };
}
