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

/** A built image: one container per platform it was built for, in the plan's order. */
export type Variants = readonly { readonly platform: string; readonly container: Container }[];

/** A chart staged in the pinned helm image, at `/src/<chartDir>`. */
interface StagedChart {
  readonly helm: Container;
  readonly dir: string;
}

const STAGE = "/src";
/** The variable cosign reads the private key's PEM from (`--key env://…`). */
const COSIGN_KEY_VARIABLE = "COSIGN_PRIVATE_KEY";

/** `tool(script, setup)`: the library run as a script in the node tool image. */
type Tool = (script: string, setup?: (c: Container) => Container) => Container;

/** The cosign key pair's private half and its password, as the module holds them: Secrets only. */
export interface ModuleSigningKey {
  readonly key: Secret;
  readonly password: Secret;
}

export function daggerEngine(o: {
  source: Directory;
  credentials?: ModuleCredentials;
  signing?: ModuleSigningKey;
  tool: Tool;
  client: ch.RegistryClient;
}): ch.Engine<Variants, NamedService[], StagedChart, File> {
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
  /**
   * cosign with the key and its password as secret variables (cosign reads `env://` keys and
   * COSIGN_PASSWORD), logged in to the registry on a tmpfs (no layer or cache keeps the login),
   * running `args` once the login succeeded.
   */
  const cosign = async (subject: string, args: string[], stdin?: string): Promise<void> => {
    if (!o.signing) throw new ch.StepFailed(`signing ${subject} needs a key: pass --signing-key and --signing-password`);
    const host = ch.parseRepository(subject.split("@")[0]!).host;
    let container = dag
      .container()
      .from(TOOL_IMAGES.cosign)
      .withEntrypoint([])
      .withMountedTemp("/run/charthouse")
      .withEnvVariable("DOCKER_CONFIG", "/run/charthouse/docker")
      .withSecretVariable(COSIGN_KEY_VARIABLE, o.signing.key)
      .withSecretVariable("COSIGN_PASSWORD", o.signing.password);
    const run = ch.shellQuote(["cosign", ...args]);
    let script = run;
    if (o.credentials) {
      container = container.withSecretVariable("CHARTHOUSE_REGISTRY_PASSWORD", o.credentials.password);
      const login = ch.shellQuote(["cosign", "login", host, "--username", o.credentials.username, "--password-stdin"]);
      script = `printf %s "$CHARTHOUSE_REGISTRY_PASSWORD" | ${login} && ${run}`;
    }
    await synced(container.withExec(["sh", "-c", script], stdin === undefined ? {} : { stdin }));
  };
  const plainHttp = (subject: string) => ch.isLoopbackHost(ch.parseRepository(subject.split("@")[0]!).host);
  const authenticated = (container: Container, host: string): Container =>
    o.credentials ? container.withRegistryAuth(host, o.credentials.username, o.credentials.password) : container;

  // The engine's own platform: runs of the others are emulated there.
  let own: Promise<string> | undefined;
  const enginePlatform = (): Promise<string> => (own ??= dag.defaultPlatform().then(String));
  /** The variant for `platform`; by default the engine's own where built for it, else the first. */
  const variant = async (image: Variants, platform?: string): Promise<Container> => {
    const wanted = platform ?? (await enginePlatform());
    const found = image.find((v) => v.platform === wanted) ?? (platform === undefined ? image[0] : undefined);
    if (!found) throw new Error(`bug: the image was not built for ${platform}`);
    return found.container;
  };

  return {
    // Dagger builds every platform and needs no engine of the caller's: nothing to refuse.
    // The engine (BuildKit) shares the stages builds in flight have in common.
    async preflight() {
      return { sharedBuilds: true, platform: await enginePlatform() };
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
        // The labels in each platform's config, and as annotations on its manifest.
        for (const [key, value] of Object.entries(labels)) container = container.withLabel(key, value).withAnnotation(key, value);
        return container;
      });
      const built = await Promise.all(variants.map(synced));
      return built.map((container, i) => ({ platform: build.platforms[i]!, container }));
    },

    async exec(image, command, opts = {}) {
      let container = await variant(image, opts.platform);
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
      const started = await Promise.all(services.map(async ({ service, image }) => {
        let container = "built" in image ? await variant(image.built) : dag.container().from(image.reference);
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
      }));
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
      // One container publishes, the others as its platform variants: one index at `reference`.
      const [first, ...rest] = image.map((v) => authenticated(v.container, host));
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

    async sign(subject) {
      await cosign(subject, ch.cosignArgs.sign(`env://${COSIGN_KEY_VARIABLE}`, subject, { plainHttp: plainHttp(subject) }));
    },

    async attest(subject, type, predicate) {
      await cosign(subject, ch.cosignArgs.attest(`env://${COSIGN_KEY_VARIABLE}`, subject, type, { plainHttp: plainHttp(subject) }), predicate);
    },

    async sbom(subject) {
      // syft reads the registry password from its environment, as a secret variable.
      let syft = dag.container().from(TOOL_IMAGES.syft).withEnvVariable("SYFT_CHECK_FOR_APP_UPDATE", "false");
      if (plainHttp(subject)) syft = syft.withEnvVariable("SYFT_REGISTRY_INSECURE_USE_HTTP", "true");
      if (o.credentials) {
        syft = syft
          .withEnvVariable("SYFT_REGISTRY_AUTH_AUTHORITY", ch.parseRepository(subject.split("@")[0]!).host)
          .withEnvVariable("SYFT_REGISTRY_AUTH_USERNAME", o.credentials.username)
          .withSecretVariable("SYFT_REGISTRY_AUTH_PASSWORD", o.credentials.password);
      }
      const scanned = await synced(syft.withExec(["scan", `registry:${subject}`, "--output", "spdx-json", "--quiet"], { useEntrypoint: true }));
      return scanned.stdout();
    },

    // The engine keeps nothing of a run's outside its cache.
    async close() {},
  };
}
