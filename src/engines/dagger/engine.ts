// The Engine primitives on Dagger. Each carries the meaning src/release/engine.ts gives it; what to build, gate, push
// or move, and every argument list, comes from the library (dagger-args.ts beside this file). The module (ci/src)
// hands it the module's own Dagger client and the library bundle: the adapter imports only the SDK's types.
import { posix } from "node:path";
import type { Container, Directory, File, Platform, Service } from "@dagger.io/dagger";
import { helmArgs } from "../../chart/helm-args.js";
import { settleChartLock, type ChartStage } from "../../chart/stage-recipe.js";
import type { RegistryClient } from "../../registry/client.js";
import { pushedDigest, StepFailed, type Engine } from "../../release/engine.js";
import { daggerBuildOptions, daggerHealthcheck, helmPushScript, pickVariant, registryHostOf } from "./dagger-args.js";
import { execFailure } from "./module-run.js";
import { daggerSigner, provenanceTool, type ModuleCredentials, type ModuleSigningKeys } from "./signing.js";
import { helmTool, libraryTool, type DaggerTools } from "./tools.js";

/** A built image: one container per platform it was built for, in the plan's order. */
export type Variants = readonly { readonly platform: string; readonly container: Container }[];
/** A started service and the name the suite reaches it by. */
export type NamedService = { readonly name: string; readonly service: Service };
/** A chart staged in the pinned helm image, at `/src/<chartDir>`. */
export type StagedChart = { readonly helm: Container; readonly dir: string };
/** A canonical chart package, and its helm provenance when the run signs with a GnuPG key. */
export type ChartPackage = { readonly file: File; readonly provenance?: File };

const STAGE = "/src";

export interface DaggerEngineOptions extends DaggerTools {
  /** The project's source. */
  readonly source: Directory;
  /**
   * The folder of the source holding charthouse.yaml (default: its top): the plan's paths (build contexts, charts)
   * are relative to it, as they are to the config's directory on the Docker runner.
   */
  readonly folder?: string;
  readonly credentials?: ModuleCredentials;
  readonly signing?: ModuleSigningKeys;
  readonly client: RegistryClient;
  /** Registry hosts the config declares plain HTTP (charthouse.yaml's `plainHttp`), besides loopback ones. */
  readonly plainHttpHosts?: readonly string[];
}

export function daggerEngine(o: DaggerEngineOptions): Engine<Variants, NamedService[], StagedChart, ChartPackage> {
  const { dag } = o;
  /** A directory the plan names, relative to the config's folder. */
  const inSource = (path: string): Directory => o.source.directory(posix.join(o.folder ?? ".", path));
  const tool = (script: string, setup?: (c: Container) => Container, image?: string) =>
    libraryTool(o, script, setup, image);
  const withEnv = (c: Container, env: Readonly<Record<string, string>>) =>
    Object.entries(env).reduce((c, [key, value]) => c.withEnvVariable(key, value), c);
  const synced = (container: Container): Promise<Container> =>
    container.sync().catch((error: unknown) => Promise.reject(execFailure(error)));
  /** `tree` with the stage's files written over it. */
  const withStageFiles = (tree: Directory, stage: ChartStage): Directory =>
    Object.entries(stage.files).reduce((t, [path, content]) => t.withNewFile(path, content), tree);
  /** helm's container with `tree` at STAGE, every file at the stage's time (helm 4 packages file times). */
  const mountedStage = (tree: Directory, stage: ChartStage): Container =>
    helmTool(dag).withMountedDirectory(STAGE, tree.withTimestamps(Math.floor(Date.parse(stage.time) / 1000)));
  const authenticated = (c: Container, host: string): Container =>
    o.credentials ? c.withRegistryAuth(host, o.credentials.username, o.credentials.password) : c;
  const signer = daggerSigner({
    dag,
    keys: o.signing,
    credentials: o.credentials,
    plainHttpHosts: o.plainHttpHosts,
    synced,
  });
  // The engine's own platform: runs of the others are emulated there.
  let own: Promise<string> | undefined;
  const enginePlatform = (): Promise<string> => (own ??= dag.defaultPlatform().then(String));
  const variant = async (image: Variants, platform?: string) =>
    pickVariant(image, platform, await enginePlatform()).container;

  return {
    // Dagger builds every platform and needs no engine of the caller's: nothing to refuse. BuildKit shares the stages
    // of builds in flight.
    preflight: async () => ({ sharedBuilds: true, platform: await enginePlatform() }),

    async build({ build, labels }) {
      // The build context without git's store: a fetch must not invalidate the build cache.
      const context = inSource(build.context).withoutDirectory(".git");
      const variants = build.platforms.map((platform) => {
        const options = daggerBuildOptions(build, platform);
        const built = context.dockerBuild({ ...options, platform: options.platform as Platform });
        // The labels in each platform's config, and as annotations on its manifest.
        return Object.entries(labels).reduce(
          (c, [key, value]) => c.withLabel(key, value).withAnnotation(key, value),
          built,
        );
      });
      return (await Promise.all(variants.map(synced))).map((container, i) => ({
        platform: build.platforms[i]!,
        container,
      }));
    },

    async exec(image, command, opts = {}) {
      let container = withEnv(await variant(image, opts.platform), opts.env ?? {});
      // A Docker volume starts as a copy of the image's directory, owned as it is there: seed the cache the same way.
      const user = await container.user();
      for (const cache of opts.caches ?? []) {
        const seed = (await container.exists(cache.path)) ? { source: container.directory(cache.path) } : {};
        container = container.withMountedCache(cache.path, dag.cacheVolume(cache.key), {
          ...seed,
          ...(user ? { owner: user } : {}),
        });
      }
      for (const { name, service } of opts.services ?? []) container = container.withServiceBinding(name, service);
      await synced(container.withExec([...command], { useEntrypoint: true }));
    },

    async startServices(services) {
      const started = await Promise.all(
        services.map(async ({ service, image }) => {
          let container = withEnv(
            "built" in image ? await variant(image.built) : dag.container().from(image.reference),
            service.env,
          );
          // Dagger waits for an exposed port to listen; a service declaring none is reached by name all the same.
          if (service.port !== undefined) container = container.withExposedPort(service.port);
          const health = daggerHealthcheck(service);
          if (health) container = container.withDockerHealthcheck(health.args, health.opts);
          // A hostname makes a started service reachable by the other services too, not only by the containers bound
          // to it.
          return container
            .asService({ ...(service.command ? { args: [...service.command] } : {}), useEntrypoint: true })
            .withHostname(service.name);
        }),
      );
      try {
        return await Promise.all(
          started.map(async (s, i) => ({ name: services[i]!.service.name, service: await s.start() })),
        );
      } catch (error) {
        throw new StepFailed(`a service did not become ready: ${(error as Error).message}`);
      }
    },

    stopServices: async (services) => void (await Promise.all(services.map((s) => s.service.stop()))),

    async push(image, reference) {
      // One container publishes, the others as its platform variants: one index at `reference`.
      const [first, ...rest] = image.map((v) => authenticated(v.container, registryHostOf(reference)));
      const published = await first!.publish(reference, rest.length ? { platformVariants: rest } : undefined);
      return published.slice(published.indexOf("@") + 1);
    },

    async stageChart(stage) {
      const tree = stage.dirs.reduce((t, dir) => t.withDirectory(dir, inSource(dir)), dag.directory());
      const dir = `${STAGE}/${stage.chartDir}`;
      const built = await synced(
        mountedStage(withStageFiles(tree, stage), stage).withExec(["helm", ...helmArgs.dependencyBuild(dir)]),
      );
      let settled = built.directory(STAGE);
      const lock = `${stage.chartDir}/Chart.lock`;
      if (await settled.exists(lock))
        settled = settled.withNewFile(lock, settleChartLock(await settled.file(lock).contents(), stage.time));
      return { helm: mountedStage(settled, stage), dir };
    },

    restageChart: async (chart, stage) => ({
      helm: mountedStage(withStageFiles(chart.helm.directory(STAGE), stage), stage),
      dir: chart.dir,
    }),

    helm: async (chart, args) => (await synced(chart.helm.withExec(["helm", ...args(chart.dir)]))).stdout(),

    async packageChart(chart, fileName) {
      const out = `/out/${fileName}`;
      const packaged = chart.helm.withExec(["helm", ...helmArgs.package(chart.dir, "/out")]);
      const withPackage = (c: Container) => c.withFile(out, packaged.file(out));
      // The library's canonicaliser, run where the package is: same chart, same bytes on either engine.
      const canonical = `lib.canonicalizePackage(${JSON.stringify(out)});`;
      if (!o.signing?.gpg) return { file: (await synced(tool(canonical, withPackage))).file(out) };
      // Signed as it ships: the provenance names the canonical bytes. helm push takes the .prov beside the package.
      const prov = provenanceTool(o.signing.gpg, out, "/chart");
      const chartDir = (c: Container) => withPackage(c).withDirectory("/chart", chart.helm.directory(chart.dir));
      const signed = await synced(tool(`${canonical} ${prov.script}`, (c) => prov.setup(chartDir(c)), prov.image));
      return { file: signed.file(out), provenance: signed.file(`${out}.prov`) };
    },

    async pushChart(pkg, pushTo, reference) {
      const file = `/charts/${await pkg.file.name()}`;
      // helm's registry config holds the login: on a tmpfs, so no layer or cache keeps it.
      let helm = helmTool(dag)
        .withFile(file, pkg.file)
        .withMountedTemp("/run/charthouse")
        .withEnvVariable("HELM_REGISTRY_CONFIG", "/run/charthouse/registry.json");
      if (pkg.provenance) helm = helm.withFile(`${file}.prov`, pkg.provenance);
      if (o.credentials) helm = helm.withSecretVariable("CHARTHOUSE_REGISTRY_PASSWORD", o.credentials.password);
      await synced(
        helm.withExec(["sh", "-c", helmPushScript(file, pushTo, o.credentials?.username, o.plainHttpHosts)]),
      );
      return pushedDigest(o.client, reference, "helm push");
    },

    sign: signer.sign,
    attest: signer.attest,
    sbom: signer.sbom,

    close: async () => {}, // the engine keeps nothing of a run's outside its cache
  };
}
