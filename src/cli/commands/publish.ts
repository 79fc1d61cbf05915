import { setMaxListeners } from "node:events";
import { resolve } from "node:path";
import type { Command } from "commander";
import { plainHttpHosts } from "../../config/index.js";
import { projectFilesOnDisk } from "../../project-files/index.js";
import type { Command as ReleaseCommand } from "../../pipeline/index.js";
import { readsRegistry, runRelease } from "../../release/index.js";
import { dockerEngine } from "../../engines/docker/index.js";
import type { CliIo } from "../io.js";
import { renderPlan } from "../../render/render-plan.js";
import { renderResult } from "../../render/render-result.js";
import { addRegistryOptions, cliClient, readCredentials, registryHost } from "../registry-options.js";
import { addSigningOptions, readSigningKeys, signingSecrets, type SigningOptions } from "../signing-options.js";
import { charthouseVersion } from "../version.js";
import { addContextOptions, computePlan, type ContextOptions, type StateOptions } from "./plan.js";

interface ExecutorOptions extends ContextOptions, StateOptions, SigningOptions {
  json?: boolean;
  dryRun?: boolean;
  output?: string;
}

interface ExecutorSpec {
  readonly name: ReleaseCommand;
  readonly summary: string;
  readonly description: string;
  /** Reads the registry and pushes (publish): registry options, the online plan, credentials. */
  readonly publishes: boolean;
  /** Writes chart packages to --output. */
  readonly output?: boolean;
}

/** A command that prepares a run and walks its steps (runRelease) on the Docker engine: parse, call, render. */
function registerExecutor(program: Command, io: CliIo, spec: ExecutorSpec): void {
  let command = addContextOptions(program.command(spec.name).summary(spec.summary).description(spec.description));
  if (spec.publishes)
    command = addSigningOptions(
      addRegistryOptions(command).option(
        "--dry-run",
        "run every gate but push nothing and move nothing; print the plan",
      ),
    );
  if (spec.output)
    command = command.option("-o, --output <dir>", "where to write the chart packages", "charthouse-packages");
  command.option("--json", "print the closing summary as JSON for machines").action(async (opts: ExecutorOptions) => {
    const { plan, config } = await computePlan({ ...opts, online: readsRegistry(spec.name) }, io);
    const credentials = spec.publishes ? await readCredentials(opts, registryHost(config), io) : undefined;
    const signing = spec.publishes ? await readSigningKeys(opts, io) : undefined;
    const log = opts.json ? io.stderr : io.stdout;

    const controller = new AbortController();
    // Every process a step starts listens for the interrupt until it ends: a multi-platform
    // run has a dozen in flight, above Node's default warning threshold of ten.
    setMaxListeners(100, controller.signal);
    const onSignal = () => {
      io.stderr("\ncharthouse: interrupted; removing the run's containers and network (Ctrl-C again to leave them)\n");
      controller.abort();
      process.once("SIGINT", () => process.exit(130));
    };
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    const client = cliClient(credentials, io, plainHttpHosts(config));
    const packagesDir = spec.output ? resolve(io.cwd, opts.output ?? "charthouse-packages") : undefined;
    try {
      const { result } = await runRelease({
        command: spec.name,
        plan,
        sign: signing?.cosign !== undefined,
        announce: (steps) => log(`${renderPlan(plan, steps)}\n`),
        engine: dockerEngine({
          projectRoot: config.root,
          registry: config.registry,
          credentials,
          env: io.env,
          client,
          signal: controller.signal,
          packagesDir,
          signing,
          plainHttpHosts: plainHttpHosts(config),
        }),
        client,
        files: projectFilesOnDisk(config.root),
        write: log,
        secrets: [credentials?.password, ...signingSecrets(signing)],
        builderVersion: charthouseVersion(),
        dryRun: opts.dryRun,
        signal: controller.signal,
      });
      io.stdout(opts.json ? `${JSON.stringify(result, null, 2)}\n` : renderResult(result, spec.name));
    } finally {
      process.removeListener("SIGINT", onSignal);
      process.removeListener("SIGTERM", onSignal);
    }
  });
}

export function registerPublish(program: Command, io: CliIo): void {
  registerExecutor(program, io, {
    name: "publish",
    summary: "build, gate and publish on a local Docker engine (the Dagger module's path without an engine)",
    description:
      "Plans the run against what the registry holds, checks the credentials may push, then walks the pipeline's " +
      "steps on the Docker engine at $DOCKER_HOST: docker build of every image target (BuildKit through buildx where " +
      "installed, one build per platform; DOCKER_BUILDKIT=0 asks for the classic builder, which builds the engine's " +
      "platform only), the smoke tests (on every platform, emulated where not the engine's), the project's test " +
      "suite against its service containers, helm dependency build / lint / template; then, only when every gate " +
      "passed, docker push (an image of several platforms: each pushed by digest under one image index) and helm " +
      "push of the immutable names; with a cosign key, cosign signs every pushed digest and attests an SBOM (syft) " +
      "and a provenance; last the alias moves. Credentials: --registry-username with --registry-password-stdin, or " +
      "CHARTHOUSE_REGISTRY_USERNAME / CHARTHOUSE_REGISTRY_PASSWORD; they reach docker and helm through a credential " +
      "helper, never a file. Signing keys (docs/signing.md) reach cosign and gpg in their environment or on stdin, " +
      "never a file in clear.",
    publishes: true,
  });
  registerExecutor(program, io, {
    name: "test",
    summary: "build every image and run the smoke tests and the project's test suite",
    description:
      "Builds every image of the plan and runs its smoke test, then the project's test suite against its service " +
      "containers. Pushes nothing.",
    publishes: false,
  });
  registerExecutor(program, io, {
    name: "lint",
    summary: "helm dependency build, lint --strict and template every chart with its pinned images",
    description:
      "Stages every chart with the plan's version and pinned images, builds its dependencies, lints it strictly and " +
      "renders it. Pushes nothing.",
    publishes: false,
  });
  registerExecutor(program, io, {
    name: "package",
    summary: "package every chart with the planned version and appVersion",
    description:
      "Lints and packages every chart the run would publish into --output, with the plan's version, appVersion, " +
      "annotations and pins. Pushes nothing.",
    publishes: false,
    output: true,
  });
}
