import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { helmArgs } from "../../chart/helm-args.js";
import type { ChartStage } from "../../chart/stage-recipe.js";
import { canonicalizePackage, settleChartStage, writeChartStage, writeOverChartStage } from "../../chart-fs/stage.js";
import { writeHelmProvenance } from "../../chart-fs/helm-provenance.js";
import { ConfigError } from "../../errors.js";
import { helmBinary, requireTool, runProcess, type ProcessResult } from "../../exec/index.js";
import { shellQuote } from "../../exec/shell-quote.js";
import type { Step } from "../../pipeline/index.js";
import type { ImagePlan, ServicePlan } from "../../plan/types.js";
import type { Credentials, RegistryClient } from "../../registry/index.js";
import { speaksPlainHttp } from "../../registry/index.js";
import { registryHost } from "../../config/repositories.js";
import {
  pushedDigest,
  StepFailed,
  type Engine,
  type EngineTraits,
  type ExecOptions,
  type ServiceStart,
} from "../../release/engine.js";
import { BakeProgress, bakePlan, bakes, type BakeBuild } from "./bake.js";
import {
  builderProblems,
  buildxPlatforms,
  chooseBuilder,
  describeBuilder,
  platformProblems,
  platformTag,
  primaryPlatform,
  type Builder,
} from "./builder.js";
import {
  dockerBuildArgs,
  dockerRunArgs,
  dockerServiceArgs,
  RUN_LABEL,
  runLabels,
  serviceContainer,
} from "./docker-args.js";
import { pushIndex } from "./push-index.js";
import { cosignSigner, type SigningKeys } from "./signing.js";
import { toolEnvironment } from "./tool-env.js";

export interface DockerEngineOptions {
  /** The project's directory: build contexts and charts are read from it. */
  readonly projectRoot: string;
  /** The registry the run pushes to (`ghcr.io/samvera`): its host gets the credential helper. */
  readonly registry: string;
  readonly credentials?: Credentials;
  /** The environment docker and helm start from (DOCKER_HOST among it). */
  readonly env: NodeJS.ProcessEnv;
  /** Reads pushed digests back. */
  readonly client: RegistryClient;
  readonly signal?: AbortSignal;
  /** Where packaged charts are kept (default: the run's work directory, removed at the end). */
  readonly packagesDir?: string;
  /** The keys to sign with: cosign for the signing steps, GnuPG for helm provenance of every package. */
  readonly signing?: SigningKeys;
  /** Registry hosts the config declares plain HTTP (charthouse.yaml's `plainHttp`), besides loopback ones. */
  readonly plainHttpHosts?: readonly string[];
}

/**
 * A built image in the engine: the engine-local tag of each platform it was built for,
 * and the platform plain runs use (the suite, services). A single-platform image is
 * tagged with its immutable reference alone.
 */
export interface DockerImage {
  readonly plan: ImagePlan;
  readonly primary: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** What `publish`, `test` and `lint` say when no docker client is installed. */
const DOCKER_INSTALL =
  "install Docker's client and engine (on Debian: apt-get install docker.io), or run with Dagger (docs/dagger.md)";

/** A service group on Docker: one network of the run, holding the services by name. */
export interface DockerServices {
  readonly network: string;
  readonly containers: readonly string[];
}

/**
 * The Engine on a Docker engine with the docker and helm CLIs: images are `repository:tag`
 * references in the engine, staged charts and packages are directories and files of the
 * run's work directory. Every container and network of the run carries its label, so
 * close() finds and removes all of them however the run ended.
 */
export function dockerEngine(o: DockerEngineOptions): Engine<DockerImage, DockerServices, string, string> {
  const runId = `ch-${randomBytes(4).toString("hex")}`;
  const work = mkdtempSync(join(tmpdir(), `charthouse-${runId}-`));
  const host = registryHost(o);
  const env = toolEnvironment(join(work, "tools"), host, o.credentials, o.env);
  const packagesDir = o.packagesDir ?? join(work, "packages");
  // Looked up when a step needs it: lint and package run helm alone.
  let dockerBin: string | undefined;
  const docker = (): string => (dockerBin ??= requireTool("docker", o.env.PATH, DOCKER_INSTALL));
  const helmBin = helmBinary(o.env);
  let stages = 0;
  const stageRoots = new Map<string, string>();
  let networks = 0;
  let buildx: Promise<string | undefined> | undefined;
  /** `docker buildx version`'s answer, undefined without buildx. */
  const buildxVersion = () =>
    (buildx ??= result(docker(), ["buildx", "version"]).then(
      (r) => (r.code === 0 ? r.stdout : undefined),
      () => undefined,
    ));
  const builder = async (): Promise<Builder> => chooseBuilder((await buildxVersion()) !== undefined, o.env);
  /** Through buildx, every build of the run is one bake: the images the preflight saw, not baked yet. */
  const bake = async (): Promise<boolean> => (await builder()) === "buildx" && bakes((await buildxVersion()) ?? "");
  let unbaked: readonly ImagePlan[] = [];
  const baking = new Map<string, Promise<void>>();
  let bakeFiles = 0;
  // The engine's own platform, from the preflight: the one builds and runs need no emulation for.
  let enginePlatform: string | undefined;
  let saves = 0;
  const plainHttp = speaksPlainHttp(host, o.plainHttpHosts);
  const signer = cosignSigner({ keys: o.signing ?? {}, env, plainHttp, signal: o.signal });

  const result = (
    bin: string,
    args: string[],
    opts: { input?: string; ignoreAbort?: boolean } = {},
  ): Promise<ProcessResult> =>
    runProcess(bin, args, { env, signal: opts.ignoreAbort ? undefined : o.signal, input: opts.input });
  const succeed = async (bin: string, args: string[], what: string): Promise<ProcessResult> => {
    const done = await result(bin, args);
    if (o.signal?.aborted) throw StepFailed.cancelled();
    if (done.code !== 0) throw new StepFailed(`${what} failed (exit ${done.code ?? done.signal})`, done.output);
    return done;
  };
  const removeContainers = async (filter: string): Promise<void> => {
    const found = (args: string[]) =>
      result(docker(), [...args, "--quiet", "--filter", filter], { ignoreAbort: true }).then((r) =>
        r.stdout.split("\n").filter(Boolean),
      );
    const containers = await found(["ps", "--all"]);
    if (containers.length) await result(docker(), ["rm", "--force", "--volumes", ...containers], { ignoreAbort: true });
    const nets = await found(["network", "ls"]);
    if (nets.length) await result(docker(), ["network", "rm", ...nets], { ignoreAbort: true });
  };

  const waitReady = async (service: ServicePlan, container: string): Promise<void> => {
    const deadline = Date.now() + service.readyTimeoutSeconds * 1000;
    let last = "";
    while (Date.now() < deadline) {
      if (o.signal?.aborted) throw StepFailed.cancelled();
      // The check first: a passing one needs no second process to say the service runs.
      const check = service.ready ? await result(docker(), ["exec", container, ...service.ready]) : undefined;
      if (check?.code === 0) return;
      const running = await result(docker(), ["inspect", "--format", "{{.State.Running}}", container]);
      if (running.stdout.trim() !== "true") {
        const logs = await result(docker(), ["logs", "--tail", "50", container]);
        throw new StepFailed(`service ${service.name} (${service.image}) exited before it was ready`, logs.output);
      }
      if (!check) return;
      last = check.output;
      await new Promise((r) => setTimeout(r, 250));
    }
    const logs = await result(docker(), ["logs", "--tail", "50", container]);
    throw new StepFailed(
      `service ${service.name} did not become ready within ${service.readyTimeoutSeconds}s: its readiness check ` +
        `\`${shellQuote(service.ready ?? [])}\` kept failing`,
      `last check output:\n${last}\nservice logs:\n${logs.output}`,
    );
  };

  /** Each platform's build read out of the engine (`docker save`), pushed by digest under one index at `reference`. */
  const pushPlatforms = async (image: DockerImage, reference: string): Promise<string> => {
    const variants = await Promise.all(
      Object.entries(image.tags).map(async ([platform, tag]) => {
        const dir = join(work, "saved", String(++saves));
        mkdirSync(dir, { recursive: true });
        await succeed(docker(), ["save", "--output", join(dir, "image.tar"), tag], `docker save of ${tag}`);
        await succeed("tar", ["-x", "-f", join(dir, "image.tar"), "-C", dir], `unpacking the saved ${tag}`);
        rmSync(join(dir, "image.tar"));
        return { platform, dir };
      }),
    );
    try {
      return await pushIndex(o.client, reference, variants, image.plan.labels);
    } catch (error) {
      throw new StepFailed(
        `pushing ${reference} (${variants.map((v) => v.platform).join(", ")}) failed: ${(error as Error).message}`,
      );
    } finally {
      for (const v of variants) rmSync(v.dir, { recursive: true, force: true });
    }
  };

  /** An image's build for each of its platforms, and the tags each is loaded under. */
  const platformBuilds = (image: ImagePlan) => {
    const primary = primaryPlatform(image, enginePlatform);
    const reference = `${image.repository}:${image.tag}`;
    const multi = image.build.platforms.length > 1;
    const tags = Object.fromEntries(
      image.build.platforms.map((platform) => [platform, multi ? platformTag(image, platform) : reference]),
    );
    const builds: BakeBuild[] = image.build.platforms.map((platform) => ({
      image,
      platform,
      // The engine's own platform of a multi-platform image answers to the immutable reference too.
      tags: platform === primary && multi ? [tags[platform]!, reference] : [tags[platform]!],
    }));
    return { primary, tags, builds };
  };

  /**
   * One `docker buildx bake` of every platform of `images`: one BuildKit session, a shared stage built once. Each
   * image's promise settles as soon as bake's progress says all its platforms are in the engine (its smoke tests
   * need not wait for the other images), or fails with its own steps' output.
   */
  const bakeImages = (images: readonly ImagePlan[]): Map<string, Promise<void>> => {
    const plan = bakePlan(
      images.flatMap((image) => platformBuilds(image).builds),
      o.projectRoot,
    );
    const file = join(work, `bake-${++bakeFiles}.json`);
    writeFileSync(file, JSON.stringify(plan.definition, null, 2));
    const progress = new BakeProgress(new Set(plan.targets.keys()));
    const left = new Map(images.map((image) => [image.name, new Set<string>()]));
    for (const [target, build] of plan.targets) left.get(build.image.name)!.add(target);
    const settle = new Map<string, { resolve: () => void; reject: (error: StepFailed) => void }>();
    const built = new Map(
      images.map((image) => {
        const promise = new Promise<void>((resolve, reject) => settle.set(image.name, { resolve, reject }));
        promise.catch(() => undefined); // observed by the image's build, if the run gets to it
        return [image.name, promise] as const;
      }),
    );
    const finish = (name: string, error?: StepFailed) => {
      if (!left.has(name)) return;
      left.delete(name);
      if (error) settle.get(name)!.reject(error);
      else settle.get(name)!.resolve();
    };
    let firstFailure: string | undefined;
    const hear = (news: { built: readonly string[]; failed: readonly string[] }) => {
      for (const target of news.built) {
        const build = plan.targets.get(target)!;
        const waiting = left.get(build.image.name);
        waiting?.delete(target);
        if (waiting?.size === 0) finish(build.image.name);
      }
      for (const target of news.failed) {
        // BuildKit cancels the other targets when one fails: theirs is no failure of their own. They are settled when
        // bake ends, as stopped by the first real failure.
        if (/context canceled/.test(progress.output(target))) continue;
        const { image, platform } = plan.targets.get(target)!;
        const what = `the build of ${image.name}${image.build.platforms.length > 1 ? ` for ${platform}` : ""}`;
        firstFailure ??= what;
        finish(image.name, new StepFailed(`docker buildx bake: ${what} failed`, progress.output(target)));
      }
    };
    const args = ["buildx", "bake", "--file", file, "--progress=rawjson"];
    runProcess(docker(), args, {
      env,
      cwd: plan.cwd,
      signal: o.signal,
      onOutput: (chunk) => hear(progress.feed(chunk)),
    }).then(
      (done) => {
        hear(progress.feed("\n"));
        for (const name of [...left.keys()]) {
          if (o.signal?.aborted) finish(name, StepFailed.cancelled());
          // Built, though the progress did not say so: the image is there.
          else if (done.code === 0) finish(name);
          else {
            const targets = [...plan.targets].filter(([, b]) => b.image.name === name).map(([t]) => t);
            finish(
              name,
              new StepFailed(
                firstFailure
                  ? `docker buildx bake stopped when ${firstFailure} failed: ${name} was not built`
                  : `docker buildx bake stopped before ${name} was built (exit ${done.code ?? done.signal})`,
                targets.map((t) => progress.output(t)).join("\n"),
              ),
            );
          }
        }
      },
      (error: Error) => {
        for (const name of [...left.keys()]) finish(name, new StepFailed(`docker buildx bake: ${error.message}`));
      },
    );
    return built;
  };

  return {
    async preflight(steps: readonly Step[]): Promise<EngineTraits> {
      if (steps.some((s) => s.phase === "sign")) await signer.preflight(steps.some((s) => s.kind === "sign-image"));
      const images = steps.flatMap((s) => (s.kind === "build" ? [s.image] : []));
      if (images.length === 0) return { sharedBuilds: true };
      void buildxVersion(); // asked beside `docker version`, awaited below
      const version = await result(docker(), [
        "version",
        "--format",
        "{{.Server.Os}}/{{.Server.Arch}} {{.Client.Version}}",
      ]);
      if (version.code !== 0)
        throw new ConfigError(
          `no Docker engine answers at ${env.DOCKER_HOST ?? "the default socket"}: start one, or set DOCKER_HOST ` +
            `(${version.output.trim().split("\n").pop()})`,
        );
      const [platform = "", client = ""] = version.stdout.trim().split(" ");
      enginePlatform = platform;
      const chosen = await builder();
      const problems = builderProblems(images, chosen, enginePlatform, client);
      // Another platform needs an emulator; buildx says which platforms its BuildKit runs.
      if (
        problems.length === 0 &&
        chosen === "buildx" &&
        images.some((i) => i.build.platforms.some((p) => p !== enginePlatform))
      ) {
        const supported = buildxPlatforms((await result(docker(), ["buildx", "inspect"])).stdout);
        if (supported) problems.push(...platformProblems(images, supported));
      }
      if (problems.length) throw new ConfigError(`${problems.join("; ")}. Nothing was built or pushed.`);
      unbaked = images;
      // BuildKit shares stages between builds in flight; the classic builder does not.
      return {
        sharedBuilds: chosen !== "classic",
        platform: enginePlatform,
        builder: describeBuilder(chosen, enginePlatform),
      };
    },

    async build(image) {
      const chosen = await builder();
      const { primary, tags, builds } = platformBuilds(image);
      if (await bake()) {
        // The first build starts the bake of every image the preflight saw; each build waits for its own image.
        if (!baking.has(image.name)) {
          const batch = [image, ...unbaked.filter((i) => i.name !== image.name && !baking.has(i.name))];
          unbaked = [];
          for (const [name, built] of bakeImages(batch)) baking.set(name, built);
        }
        await baking.get(image.name);
        return { plan: image, primary, tags };
      }
      // One build per platform, side by side: the engine's image store holds one platform per tag.
      await Promise.all(
        builds.map(({ platform, tags: names }) => {
          const what = `docker build of ${image.name}${image.build.platforms.length > 1 ? ` for ${platform}` : ""}`;
          return succeed(
            docker(),
            dockerBuildArgs(image, { root: o.projectRoot, builder: chosen, platform, tags: names }),
            what,
          );
        }),
      );
      return { plan: image, primary, tags };
    },

    async exec(image, command, opts: ExecOptions<DockerServices> = {}) {
      const tag = image.tags[opts.platform ?? image.primary];
      if (tag === undefined) throw new Error(`bug: ${image.plan.name} was not built for ${opts.platform}`);
      const done = await result(
        docker(),
        dockerRunArgs(runId, tag, command, {
          network: opts.services?.network,
          env: opts.env,
          caches: opts.caches,
          project: o.projectRoot,
        }),
      );
      if (o.signal?.aborted) throw StepFailed.cancelled();
      if (done.code !== 0)
        throw new StepFailed(
          `\`${shellQuote(command)}\` in ${tag} failed (exit ${done.code ?? done.signal})`,
          done.output,
        );
    },

    async startServices(services: readonly ServiceStart<DockerImage>[]) {
      const network = `${runId}-net${++networks}`;
      await succeed(
        docker(),
        ["network", "create", ...runLabels(runId, o.projectRoot), network],
        "creating the services' network",
      );
      const containers = services.map(({ service }) => serviceContainer(runId, service.name));
      await Promise.all(
        services.map(({ service, image }) =>
          succeed(
            docker(),
            dockerServiceArgs(
              runId,
              network,
              service,
              "built" in image ? image.built.tags[image.built.primary] : image.reference,
              o.projectRoot,
            ),
            `starting service ${service.name} (${service.image})`,
          ),
        ),
      );
      await Promise.all(services.map(({ service }, i) => waitReady(service, containers[i]!)));
      return { network, containers };
    },

    async stopServices(services) {
      if (services.containers.length)
        await result(docker(), ["rm", "--force", "--volumes", ...services.containers], { ignoreAbort: true });
      await result(docker(), ["network", "rm", services.network], { ignoreAbort: true });
    },

    async push(image, reference) {
      if (image.plan.build.platforms.length > 1) return pushPlatforms(image, reference);
      await succeed(docker(), ["push", reference], `docker push of ${reference}`);
      return pushedDigest(o.client, reference, "docker push");
    },

    async stageChart(stage: ChartStage) {
      const root = join(work, "charts", String(++stages));
      const dir = writeChartStage(o.projectRoot, stage, root);
      await succeed(helmBin, helmArgs.dependencyBuild(dir), `helm dependency build of ${stage.chartDir}`);
      settleChartStage(stage, root);
      stageRoots.set(dir, root);
      return dir;
    },

    async restageChart(chart, stage) {
      const root = stageRoots.get(chart);
      if (root === undefined) throw new Error(`bug: ${chart} was not staged by this run`);
      // In place: the gates that read it have passed.
      return writeOverChartStage(stage, root);
    },

    async helm(chart, args) {
      return (await succeed(helmBin, args(chart), `helm ${args(chart)[0]} of ${chart}`)).stdout;
    },

    async packageChart(chart, fileName) {
      mkdirSync(packagesDir, { recursive: true });
      const before = new Set(readdirSync(packagesDir));
      await succeed(helmBin, helmArgs.package(chart, packagesDir), `helm package of ${fileName}`);
      const file = join(packagesDir, readdirSync(packagesDir).find((f) => !before.has(f)) ?? fileName);
      canonicalizePackage(file);
      // Signed as it ships: the provenance names the canonical bytes. helm push takes the .prov beside it.
      if (o.signing?.gpg)
        await writeHelmProvenance({ packageFile: file, chartDir: chart, gpg: o.signing.gpg, env, workDir: work });
      return file;
    },

    async pushChart(pkg, pushTo, reference) {
      await succeed(helmBin, helmArgs.push(pkg, pushTo, { plainHttp }), `helm push of ${pkg}`);
      return pushedDigest(o.client, reference, "helm push");
    },

    sign: (subject, mode) => signer.sign(subject, mode),
    attest: (subject, type, predicate, mode) => signer.attest(subject, type, predicate, mode),
    sbom: (subject) => signer.sbom(subject),

    // Only packages written where the user asked (--output) outlive the run's work directory.
    keptPackage: (pkg) => (o.packagesDir ? pkg : undefined),

    async close() {
      // Only a run that used docker can have left containers or a network.
      if (dockerBin) await removeContainers(`label=${RUN_LABEL}=${runId}`);
      rmSync(work, { recursive: true, force: true });
    },
  };
}
