// The Engine primitives on Dagger. Each carries the meaning src/release/engine.ts gives it; what to
// build, gate, push or move, and every argument list, comes from the library (src/engines/dagger).
import { dag, Container, Directory, File, Platform, Secret, Service } from "@dagger.io/dagger";
import * as ch from "../lib/charthouse.js";

/** The images the module runs its tools in, pinned: helm's major line is the one src/chart's argument lists are tested with. */
// cosign's -dev image has a shell (busybox) for the registry login before signing; syft and cosign at the versions
// scripts/tools builds for the Docker runner's tests.
export const TOOL_IMAGES = {
  helm: "alpine/helm:4.1.4",
  node: "node:20.20-alpine",
  cosign: "ghcr.io/sigstore/cosign/cosign:v2.6.5-dev",
  syft: "anchore/syft:v1.57.1",
} as const;

/** Registry credentials as the module holds them: the password only ever as a Secret. */
export type ModuleCredentials = { readonly username: string; readonly password: Secret };
/** The cosign key pair's private half and its password, as the module holds them: Secrets only. */
export type ModuleSigningKey = { readonly key: Secret; readonly password: Secret };
/** A built image: one container per platform it was built for, in the plan's order. */
export type Variants = readonly { readonly platform: string; readonly container: Container }[];
/** A started service and the name the suite reaches it by. */
type NamedService = { readonly name: string; readonly service: Service };
/** A chart staged in the pinned helm image, at `/src/<chartDir>`. */
type StagedChart = { readonly helm: Container; readonly dir: string };

const STAGE = "/src";
/** The variable cosign reads the private key's PEM from (`--key env://…`). */
const COSIGN_KEY_VARIABLE = "COSIGN_PRIVATE_KEY";

/** The library run as a script (`lib` is the bundle) in the node tool image, set up by `setup`. */
export function tool(script: string, setup: (c: Container) => Container = (c) => c): Container {
  const node = setup(
    dag
      .container()
      .from(TOOL_IMAGES.node)
      .withFile("/charthouse/charthouse.js", dag.currentModule().source().file("lib/charthouse.js")),
  );
  return node.withExec([
    "node",
    "--input-type=module",
    "-e",
    `const lib = await import("/charthouse/charthouse.js"); ${script}`,
  ]);
}

type EngineOptions = {
  source: Directory;
  credentials?: ModuleCredentials;
  signing?: ModuleSigningKey;
  client: ch.RegistryClient;
};

export function daggerEngine(o: EngineOptions): ch.Engine<Variants, NamedService[], StagedChart, File> {
  const helmTools = (): Container =>
    dag
      .container()
      .from(TOOL_IMAGES.helm)
      .withMountedCache("/root/.cache/helm", dag.cacheVolume("charthouse-helm-cache"))
      .withEntrypoint([]);
  const withEnv = (c: Container, env: Readonly<Record<string, string>>) =>
    Object.entries(env).reduce((c, [key, value]) => c.withEnvVariable(key, value), c);
  const synced = (container: Container): Promise<Container> =>
    container.sync().catch((error: unknown) => Promise.reject(ch.execFailure(error)));
  /** `tree` with the stage's files written over it. */
  const withStageFiles = (tree: Directory, stage: ch.ChartStage): Directory =>
    Object.entries(stage.files).reduce((t, [path, content]) => t.withNewFile(path, content), tree);
  /** helm's container with `tree` at STAGE, every file at the stage's time (helm 4 packages file times). */
  const mountedStage = (tree: Directory, stage: ch.ChartStage): Container =>
    helmTools().withMountedDirectory(STAGE, tree.withTimestamps(Math.floor(Date.parse(stage.time) / 1000)));
  const authenticated = (c: Container, host: string): Container =>
    o.credentials ? c.withRegistryAuth(host, o.credentials.username, o.credentials.password) : c;
  /** cosign with the key and its password as secret variables, logged in to the registry on a tmpfs, running `args`. */
  const cosign = async (subject: string, args: string[], stdin?: string): Promise<void> => {
    if (!o.signing)
      throw new ch.StepFailed(`signing ${subject} needs a key: pass --signing-key and --signing-password`);
    let container = dag
      .container()
      .from(TOOL_IMAGES.cosign)
      .withEntrypoint([])
      .withMountedTemp("/run/charthouse")
      .withEnvVariable("DOCKER_CONFIG", "/run/charthouse/docker");
    container = container
      .withSecretVariable(COSIGN_KEY_VARIABLE, o.signing.key)
      .withSecretVariable("COSIGN_PASSWORD", o.signing.password);
    if (o.credentials) container = container.withSecretVariable("CHARTHOUSE_REGISTRY_PASSWORD", o.credentials.password);
    await synced(
      container.withExec(
        ["sh", "-c", ch.cosignScript(subject, args, o.credentials?.username)],
        stdin === undefined ? {} : { stdin },
      ),
    );
  };
  const keyRef = `env://${COSIGN_KEY_VARIABLE}`;
  // The engine's own platform: runs of the others are emulated there.
  let own: Promise<string> | undefined;
  const enginePlatform = (): Promise<string> => (own ??= dag.defaultPlatform().then(String));
  const variant = async (image: Variants, platform?: string) =>
    ch.pickVariant(image, platform, await enginePlatform()).container;

  return {
    // Dagger builds every platform and needs no engine of the caller's: nothing to refuse. BuildKit shares the stages of builds in flight.
    preflight: async () => ({ sharedBuilds: true, platform: await enginePlatform() }),

    async build({ build, labels }) {
      // The build context without git's store: a fetch must not invalidate the build cache.
      const context = o.source.directory(build.context).withoutDirectory(".git");
      const variants = build.platforms.map((platform) => {
        const options = ch.daggerBuildOptions(build, platform);
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
          const health = ch.daggerHealthcheck(service);
          if (health) container = container.withDockerHealthcheck(health.args, health.opts);
          // A hostname makes a started service reachable by the other services too, not only by the containers bound to it.
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
        throw new ch.StepFailed(`a service did not become ready: ${(error as Error).message}`);
      }
    },

    stopServices: async (services) => void (await Promise.all(services.map((s) => s.service.stop()))),

    async push(image, reference) {
      // One container publishes, the others as its platform variants: one index at `reference`.
      const [first, ...rest] = image.map((v) => authenticated(v.container, ch.registryHostOf(reference)));
      const published = await first!.publish(reference, rest.length ? { platformVariants: rest } : undefined);
      return published.slice(published.indexOf("@") + 1);
    },

    async stageChart(stage) {
      const tree = stage.dirs.reduce((t, dir) => t.withDirectory(dir, o.source.directory(dir)), dag.directory());
      const dir = `${STAGE}/${stage.chartDir}`;
      const built = await synced(
        mountedStage(withStageFiles(tree, stage), stage).withExec(["helm", ...ch.helmArgs.dependencyBuild(dir)]),
      );
      let settled = built.directory(STAGE);
      const lock = `${stage.chartDir}/Chart.lock`;
      if (await settled.exists(lock))
        settled = settled.withNewFile(lock, ch.settleChartLock(await settled.file(lock).contents(), stage.time));
      return { helm: mountedStage(settled, stage), dir };
    },

    restageChart: async (chart, stage) => ({
      helm: mountedStage(withStageFiles(chart.helm.directory(STAGE), stage), stage),
      dir: chart.dir,
    }),

    helm: async (chart, args) => (await synced(chart.helm.withExec(["helm", ...args(chart.dir)]))).stdout(),

    async packageChart(chart, fileName) {
      const out = `/out/${fileName}`;
      const packaged = chart.helm.withExec(["helm", ...ch.helmArgs.package(chart.dir, "/out")]);
      // The library's canonicaliser, run where the package is: same chart, same bytes on either engine.
      return (
        await synced(
          tool(`lib.canonicalizePackage(${JSON.stringify(out)})`, (c) => c.withFile(out, packaged.file(out))),
        )
      ).file(out);
    },

    async pushChart(pkg, pushTo, reference) {
      const file = `/charts/${await pkg.name()}`;
      // helm's registry config holds the login: on a tmpfs, so no layer or cache keeps it.
      let helm = helmTools()
        .withFile(file, pkg)
        .withMountedTemp("/run/charthouse")
        .withEnvVariable("HELM_REGISTRY_CONFIG", "/run/charthouse/registry.json");
      if (o.credentials) helm = helm.withSecretVariable("CHARTHOUSE_REGISTRY_PASSWORD", o.credentials.password);
      await synced(helm.withExec(["sh", "-c", ch.helmPushScript(file, pushTo, o.credentials?.username)]));
      return ch.pushedDigest(o.client, reference, "helm push");
    },

    sign: (subject, mode) =>
      cosign(
        subject,
        ch.cosignArgs.sign(keyRef, subject, { plainHttp: ch.isLoopbackHost(ch.registryHostOf(subject)), mode }),
      ),
    attest: (subject, type, predicate, mode) =>
      cosign(
        subject,
        ch.cosignArgs.attest(keyRef, subject, type, { plainHttp: ch.isLoopbackHost(ch.registryHostOf(subject)), mode }),
        predicate,
      ),

    async sbom(subject) {
      // syft reads the registry password from its environment, as a secret variable.
      let syft = withEnv(dag.container().from(TOOL_IMAGES.syft), ch.syftEnvironment(subject, o.credentials?.username));
      if (o.credentials) syft = syft.withSecretVariable("SYFT_REGISTRY_AUTH_PASSWORD", o.credentials.password);
      return (
        await synced(
          syft.withExec(["scan", `registry:${subject}`, "--output", "spdx-json", "--quiet"], { useEntrypoint: true }),
        )
      ).stdout();
    },

    close: async () => {}, // the engine keeps nothing of a run's outside its cache
  };
}
