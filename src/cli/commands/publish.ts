import { resolve } from "node:path";
import type { Command } from "commander";
import { gateSteps, packageSteps, planSteps, type Step } from "../../pipeline/index.js";
import type { Plan } from "../../plan/index.js";
import { executeSteps, type RunResult } from "../../run/index.js";
import type { CliIo } from "../io.js";
import { renderPlan } from "../render-plan.js";
import { renderResult } from "../render-result.js";
import { addRegistryOptions, cliClient, readCredentials, registryHost } from "../registry-options.js";
import { addRunOptions, computePlan, type RunOptions, type StateOptions } from "./plan.js";

interface ExecOptions extends RunOptions, StateOptions {
  json?: boolean;
  dryRun?: boolean;
  output?: string;
}

/** A command that plans and then walks (part of) the pipeline's steps on the Docker engine. */
function registerExecutor(
  program: Command,
  io: CliIo,
  spec: { name: string; summary: string; description: string; steps: (plan: Plan) => Step[]; online: boolean; publishes: boolean; output?: boolean },
): void {
  let command = addRegistryOptions(addRunOptions(program.command(spec.name).summary(spec.summary).description(spec.description)));
  if (spec.publishes) command = command.option("--dry-run", "run every gate but push nothing and move nothing; print the plan");
  if (spec.output) command = command.option("-o, --output <dir>", "where to write the chart packages", "charthouse-packages");
  command.option("--json", "print the closing summary as JSON for machines").action(async (opts: ExecOptions) => {
    const { plan, config } = await computePlan({ ...opts, online: spec.online }, io);
    const creds = spec.online ? await readCredentials(opts, registryHost(config), io) : undefined;
    const steps = spec.steps(plan);
    const log = opts.json ? io.stderr : io.stdout;
    log(renderPlan(plan, steps));
    log("\n");

    const controller = new AbortController();
    const onSignal = () => {
      io.stderr("\ncharthouse: interrupted; removing the run's containers and network (Ctrl-C again to leave them)\n");
      controller.abort();
      process.once("SIGINT", () => process.exit(130));
    };
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    let result: RunResult;
    try {
      result = await executeSteps({
        plan,
        steps,
        projectRoot: config.root,
        credentials: creds,
        env: { ...process.env, ...io.env },
        dryRun: opts.dryRun,
        signal: controller.signal,
        write: log,
        client: cliClient(creds, io),
        ...(spec.output ? { packagesDir: resolve(io.cwd, opts.output ?? "charthouse-packages") } : {}),
      });
    } finally {
      process.removeListener("SIGINT", onSignal);
      process.removeListener("SIGTERM", onSignal);
    }
    io.stdout(opts.json ? `${JSON.stringify(result, null, 2)}\n` : renderResult(result));
  });
}

export function registerPublish(program: Command, io: CliIo): void {
  registerExecutor(program, io, {
    name: "publish",
    summary: "build, gate and publish on a local Docker engine (the Dagger module's path without an engine)",
    description:
      "Plans the run against what the registry holds, checks the credentials may push, then walks the pipeline's steps on the " +
      "Docker engine at $DOCKER_HOST: docker build of every image target, the smoke tests, the project's test suite against its " +
      "service containers, helm dependency build / lint / template; then, only when every gate passed, docker push and helm push " +
      "of the immutable names, and last the alias moves. Credentials: --registry-username with --registry-password-stdin, or " +
      "CHARTHOUSE_REGISTRY_USERNAME / CHARTHOUSE_REGISTRY_PASSWORD; they reach docker and helm through a credential helper, never a file.",
    steps: planSteps,
    online: true,
    publishes: true,
  });
  registerExecutor(program, io, {
    name: "test",
    summary: "build every image and run the smoke tests and the project's test suite",
    description: "Builds every image of the plan and runs its smoke test, then the project's test suite against its service containers. Pushes nothing.",
    steps: (plan) => gateSteps(plan).filter((s) => s.kind === "build" || s.kind === "smoke" || s.kind === "test"),
    online: false,
    publishes: false,
  });
  registerExecutor(program, io, {
    name: "lint",
    summary: "helm dependency build, lint --strict and template every chart with its pinned images",
    description: "Stages every chart with the plan's version and pinned images, builds its dependencies, lints it strictly and renders it. Pushes nothing.",
    steps: (plan) => gateSteps(plan).filter((s) => s.kind === "chart-deps" || s.kind === "lint" || s.kind === "template"),
    online: false,
    publishes: false,
  });
  registerExecutor(program, io, {
    name: "package",
    summary: "package every chart with the planned version and appVersion",
    description: "Lints and packages every chart the run would publish into --output, with the plan's version, appVersion, annotations and pins. Pushes nothing.",
    steps: packageSteps,
    online: false,
    publishes: false,
    output: true,
  });
}
