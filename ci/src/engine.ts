// The Engine primitives on Dagger. Each carries the meaning src/release/engine.ts gives
// it; nothing here decides what to build, gate, push or move.
import { dag, Container, Directory, File, Platform, Secret, Service } from "@dagger.io/dagger";
import { posix } from "node:path";
import * as ch from "../lib/charthouse.js";
import { TOOL_IMAGES } from "./tool-images.js";

/** Registry credentials as the module holds them: the password only ever as a Secret. */
export interface ModuleCredentials {
  readonly username: string;
  readonly password: Secret;
}

/** A started service and the name the suite reaches it by. */
interface NamedService {
  readonly name: string;
  readonly service: Service;
}

/** A chart staged in the pinned helm image, at `/src/<chartDir>`. */
interface StagedChart {
  readonly helm: Container;
  readonly dir: string;
}

const STAGE = "/src";

/** `tool(script, setup)`: the library run as a script in the node tool image. */
type Tool = (script: string, setup?: (c: Container) => Container) => Container;

export function daggerEngine(o: { source: Directory; credentials?: ModuleCredentials; tool: Tool; client: ch.RegistryClient }): ch.Engine<Container[], NamedService[], StagedChart, File> {
  const helmTools = (): Container =>
    dag.container().from(TOOL_IMAGES.helm).withMountedCache("/root/.cache/helm", dag.cacheVolume("charthouse-helm-cache")).withEntrypoint([]);
  const synced = async (container: Container): Promise<Container> => {
    try {
      return await container.sync();
    } catch (error) {
      const e = error as { message: string; stdout?: string; stderr?: string };
      throw new ch.StepFailed(e.message, [e.stdout, e.stderr].filter(Boolean).join("\n"));
    }
  };
  /** `tree` with the stage's files written over it. */
  const withStageFiles = (tree: Directory, stage: ch.ChartStage): Directory => Object.entries(stage.files).reduce((t, [path, content]) => t.withNewFile(path, content), tree);
  /** helm's container with `tree` at STAGE, every file at the stage's time (helm 4 packages file times). */
  const mountedStage = (tree: Directory, stage: ch.ChartStage): Container => helmTools().withMountedDirectory(STAGE, tree.withTimestamps(Math.floor(Date.parse(stage.time) / 1000)));
  const authenticated = (container: Container, host: string): Container =>
    o.credentials ? container.withRegistryAuth(host, o.credentials.username, o.credentials.password) : container;

  return {
    // Dagger builds every platform and needs no engine of the caller's: nothing to refuse.
    // The engine (BuildKit) shares the stages builds in flight have in common.
    async preflight() {
      return { sharedBuilds: true };
    },

    async build(image) {
      const { build, labels } = image;
      // The build context without git's store: a fetch must not invalidate the build cache.
      const context = o.source.directory(build.context).withoutDirectory(".git");
      const variants = build.platforms.map((platform) => {
        let container = context.dockerBuild({
          dockerfile: posix.relative(build.context, build.dockerfile),
          platform: platform as Platform,
          target: build.target,
          buildArgs: Object.entries(build.buildArgs).map(([name, value]) => ({ name, value })),
        });
        for (const [key, value] of Object.entries(labels)) container = container.withLabel(key, value);
        return container;
      });
      return Promise.all(variants.map(synced));
    },

    async exec(image, command, opts = {}) {
      let container = image[0]!;
      for (const [key, value] of Object.entries(opts.env ?? {})) container = container.withEnvVariable(key, value);
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
        let container = "built" in image ? image.built[0]! : dag.container().from(image.reference);
        for (const [key, value] of Object.entries(service.env)) container = container.withEnvVariable(key, value);
        // Dagger waits for an exposed port to listen; a service declaring none is reached by name all the same.
        if (service.port !== undefined) container = container.withExposedPort(service.port);
        // `ready` runs in the service's own container: Dagger runs a container's healthcheck there and waits for it instead of the port.
        if (service.ready) {
          container = container.withDockerHealthcheck([...service.ready], { startPeriod: `${service.readyTimeoutSeconds}s`, startInterval: "250ms", interval: "1s", retries: 1 });
        }
        const asService = service.command ? container.asService({ args: [...service.command], useEntrypoint: true }) : container.asService({ useEntrypoint: true });
        // A hostname makes a started service reachable by the other services too, not only by the containers bound to it.
        return asService.withHostname(service.name);
      });
      try {
        return await Promise.all(started.map(async (s, i) => ({ name: services[i]!.service.name, service: await s.start() })));
      } catch (error) {
        throw new ch.StepFailed(`a service did not become ready: ${(error as Error).message}`);
      }
    },

    async stopServices(services) {
      await Promise.all(services.map((s) => s.service.stop()));
    },

    async push(image, reference) {
      const host = ch.parseRepository(reference.slice(0, reference.lastIndexOf(":"))).host;
      const [first, ...rest] = image.map((c) => authenticated(c, host));
      const published = await first!.publish(reference, rest.length ? { platformVariants: rest } : undefined);
      return published.slice(published.indexOf("@") + 1);
    },

    async stageChart(stage) {
      let tree = dag.directory();
      for (const dir of stage.dirs) tree = tree.withDirectory(dir, o.source.directory(dir));
      const dir = `${STAGE}/${stage.chartDir}`;
      const built = await synced(mountedStage(withStageFiles(tree, stage), stage).withExec(["helm", ...ch.helmArgs.dependencyBuild(dir)]));
      let settled = built.directory(STAGE);
      const lock = `${stage.chartDir}/Chart.lock`;
      if (await settled.exists(lock)) settled = settled.withNewFile(lock, ch.settleChartLock(await settled.file(lock).contents(), stage.time));
      return { helm: mountedStage(settled, stage), dir };
    },

    async restageChart(chart, stage) {
      return { helm: mountedStage(withStageFiles(chart.helm.directory(STAGE), stage), stage), dir: chart.dir };
    },

    async helm(chart, args) {
      return (await synced(chart.helm.withExec(["helm", ...args(chart.dir)]))).stdout();
    },

    async packageChart(chart, fileName) {
      const packaged = chart.helm.withExec(["helm", ...ch.helmArgs.package(chart.dir, "/out")]);
      // The library's canonicaliser, run where the package is: same chart, same bytes on either engine.
      const canonical = await synced(o.tool(`lib.canonicalizePackage(${JSON.stringify(`/out/${fileName}`)})`, (c) => c.withFile(`/out/${fileName}`, packaged.file(`/out/${fileName}`))));
      return canonical.file(`/out/${fileName}`);
    },

    async pushChart(pkg, pushTo, reference) {
      const host = ch.parseRepository(pushTo.slice("oci://".length)).host;
      const plainHttp = ch.isLoopbackHost(host);
      const file = `/charts/${await pkg.name()}`;
      // helm's registry config holds the login: on a tmpfs, so no layer or cache keeps it.
      let helm = helmTools().withFile(file, pkg).withMountedTemp("/run/charthouse").withEnvVariable("HELM_REGISTRY_CONFIG", "/run/charthouse/registry.json");
      const push = ch.shellQuote(["helm", ...ch.helmArgs.push(file, pushTo, { plainHttp })]);
      if (o.credentials) {
        const login = ch.shellQuote(["helm", ...ch.helmArgs.registryLogin(host, o.credentials.username, { plainHttp })]);
        helm = helm.withSecretVariable("CHARTHOUSE_REGISTRY_PASSWORD", o.credentials.password);
        await synced(helm.withExec(["sh", "-c", `printf %s "$CHARTHOUSE_REGISTRY_PASSWORD" | ${login} && ${push}`]));
      } else {
        await synced(helm.withExec(["sh", "-c", push]));
      }
      return ch.pushedDigest(o.client, reference, "helm push");
    },

    // Signing is the Docker engine's only, so far: the module's publish plans no signing step.
    async sign(subject) {
      throw new ch.StepFailed(`signing ${subject} needs charthouse publish on Docker: the Dagger module does not sign yet`);
    },
    async attest(subject) {
      throw new ch.StepFailed(`attesting ${subject} needs charthouse publish on Docker: the Dagger module does not attest yet`);
    },
    async sbom(subject) {
      throw new ch.StepFailed(`an SBOM of ${subject} needs charthouse publish on Docker: the Dagger module does not make SBOMs yet`);
    },

    // The engine keeps nothing of a run's outside its cache.
    async close() {},
  };
}
