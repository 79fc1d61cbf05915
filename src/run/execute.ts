import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { canonicalizePackage, helmArgs, prepareChart, settleDependencies } from "../chart/index.js";
import { helmBinary } from "../exec/index.js";
import { versionToTag } from "../plan/formats.js";
import { ConfigError, GateFailure, PublishFailure, RunCancelled } from "../errors.js";
import { runProcess, type ProcessResult } from "../exec/run-process.js";
import { requireTool } from "../exec/tools.js";
import { describeStep, type Step } from "../pipeline/index.js";
import { decideImmutable } from "../plan/immutability.js";
import type { ChartPlan, Plan } from "../plan/types.js";
import {
  DEFAULT_SETTLE,
  isLoopbackHost,
  moveAlias,
  parseRepository,
  preflight,
  readTag,
  RegistryClient,
  settleAliases,
  type AliasOutcome,
  type Credentials,
  type SettleOptions,
} from "../registry/index.js";
import { dockerBuildArgs, dockerRunArgs, dockerRunnerProblems } from "./docker-args.js";
import { Reporter, type StepRecord } from "./reporter.js";
import { removeRunContainers, runTestGate } from "./services.js";
import { StepFailed, type DockerContext } from "./step-error.js";
import { toolEnvironment } from "./tool-env.js";

export interface ExecuteOptions {
  readonly plan: Plan;
  /** The steps to walk: `planSteps(plan)`, or a subset of them for `test`, `lint`, `package`. */
  readonly steps: readonly Step[];
  /** The project's directory (charthouse.yaml's). */
  readonly projectRoot: string;
  readonly credentials?: Credentials;
  /** The environment docker and helm start from (DOCKER_HOST among it). */
  readonly env: NodeJS.ProcessEnv;
  /** Gates only: every step but the pushes and alias moves. */
  readonly dryRun?: boolean;
  readonly signal: AbortSignal;
  readonly write: (text: string) => void;
  readonly settle?: SettleOptions;
  readonly client?: RegistryClient;
  /** Where packaged charts are kept (default: a temp dir removed at the end). */
  readonly packagesDir?: string;
}

export interface Published {
  readonly reference: string;
  readonly digest: string;
}

export interface RunResult {
  readonly version: 1;
  readonly summary: string;
  readonly status: "published" | "nothing-to-do" | "gates-passed";
  readonly published: readonly Published[];
  readonly skipped: readonly (Published & { readonly reason: string })[];
  readonly aliases: readonly { readonly reference: string; readonly target: string; readonly moved: boolean; readonly reason: string }[];
  readonly packages: readonly string[];
  readonly steps: readonly StepRecord[];
}

/**
 * Walks the pipeline's steps on a Docker engine with helm and the registry client, in
 * their order and adding none: gates, then immutable pushes, then alias moves. A gate
 * that fails stops the run before any push (GateFailure); a push that fails stops it
 * before any alias move (PublishFailure, saying what was pushed). Containers, network
 * and work files of the run are removed however it ends.
 */
export async function executeSteps(o: ExecuteOptions): Promise<RunResult> {
  const runId = `ch-${randomBytes(4).toString("hex")}`;
  const work = mkdtempSync(join(tmpdir(), `charthouse-${runId}-`));
  const host = parseRepository(`${o.plan.registry}/x`).host;
  const env = toolEnvironment(join(work, "tools"), host, o.credentials, o.env);
  const client = o.client ?? new RegistryClient({ credentials: o.credentials });
  // Looked up when a step needs it: lint and package run helm alone.
  let dockerBin: string | undefined;
  const dockerPath = (): string => (dockerBin ??= requireTool("docker"));
  const helmBin = helmBinary(o.env);
  const steps = o.dryRun ? o.steps.filter((s) => s.phase === "gate") : o.steps;
  const reporter = new Reporter(o.write, [o.credentials?.password], steps.length);
  const packagesDir = o.packagesDir ?? join(work, "packages");

  const digests = new Map<string, string>();
  for (const image of o.plan.images) if (image.publication.action === "skip") digests.set(image.name, image.publication.digest);
  const published: Published[] = [];
  const skipped: (Published & { reason: string })[] = [];
  const staged = new Map<string, string>();
  const packages = new Map<string, string>();
  let aliasOutcomes: AliasOutcome[] = [];

  const exec = async (bin: string, args: string[], what: string, input?: string): Promise<ProcessResult> => {
    const result = await runProcess(bin, args, { env, signal: o.signal, input });
    if (o.signal.aborted) throw StepFailed.cancelled();
    if (result.code !== 0) throw new StepFailed(`${what} failed (exit ${result.code ?? result.signal})`, result.output);
    return result;
  };
  const ctx: DockerContext = {
    runId,
    signal: o.signal,
    docker: (args, what) => exec(dockerPath(), args, what),
    dockerResult: (args, opts) => runProcess(dockerPath(), args, { env, signal: opts?.ignoreAbort ? undefined : o.signal }),
  };
  const helm = (args: string[], what: string) => exec(helmBin, args, what);

  /** Immediately before a push: still absent, or there from this very commit (skip)? */
  const recheck = async (repository: string, tag: string): Promise<{ skip: false } | { skip: true; digest: string }> => {
    const decision = decideImmutable(`${repository}:${tag}`, (await readTag(client, repository, tag)) ?? undefined, o.plan.context.commit);
    if (decision.action === "refuse") throw new StepFailed(decision.reason);
    return decision.action === "skip" ? { skip: true, digest: decision.digest } : { skip: false };
  };

  const stageFor = async (chart: ChartPlan, purpose: "gate" | "publish"): Promise<string> => {
    const root = join(work, purpose, chart.name);
    const dir = prepareChart(o.projectRoot, chart, root, digests);
    await helm(helmArgs.dependencyBuild(dir), `helm dependency build of ${chart.name}`);
    settleDependencies(root, dir, chart);
    return dir;
  };

  const handle = async (step: Step): Promise<{ note?: string; skipped?: boolean }> => {
    switch (step.kind) {
      case "build":
        await ctx.docker(dockerBuildArgs(step.image, { buildx: await engine.buildx() }), `docker build of ${step.image.name}`);
        return {};
      case "smoke":
        await ctx.docker(dockerRunArgs(runId, `${step.image.repository}:${step.image.tag}`, step.command), `the smoke test of ${step.image.name}`);
        return {};
      case "test":
        await runTestGate(ctx, `${step.image.repository}:${step.image.tag}`, step.test);
        return {};
      case "chart-deps":
        staged.set(step.chart.name, await stageFor(step.chart, "gate"));
        return {};
      case "lint":
        await helm(helmArgs.lint(staged.get(step.chart.name)!), `helm lint of ${step.chart.name}`);
        return {};
      case "template": {
        const rendered = await helm(helmArgs.template(step.chart.name, staged.get(step.chart.name)!), `helm template of ${step.chart.name}`);
        if (rendered.stdout.trim() === "") throw new StepFailed(`helm template of ${step.chart.name} rendered nothing`);
        return {};
      }
      case "push-image": {
        const { repository, tag, name } = step.image;
        const again = await recheck(repository, tag);
        if (again.skip) {
          digests.set(name, again.digest);
          skipped.push({ reference: `${repository}:${tag}`, digest: again.digest, reason: "already published from this commit" });
          return { skipped: true, note: "already published from this commit" };
        }
        await ctx.docker(["push", `${repository}:${tag}`], `docker push of ${repository}:${tag}`);
        const digest = (await client.headManifest(repository, tag))?.digest;
        if (!digest) throw new StepFailed(`${repository}:${tag} is not in the registry after docker push`);
        digests.set(name, digest);
        published.push({ reference: `${repository}:${tag}`, digest });
        return { note: digest };
      }
      case "package-chart": {
        const dir = await stageFor(step.chart, "publish");
        mkdirSync(packagesDir, { recursive: true });
        const before = new Set(readdirSync(packagesDir));
        await helm(helmArgs.package(dir, packagesDir), `helm package of ${step.chart.name}`);
        const file = readdirSync(packagesDir).find((f) => !before.has(f)) ?? `${step.chart.name}-${step.chart.version}.tgz`;
        canonicalizePackage(join(packagesDir, file));
        packages.set(step.chart.name, join(packagesDir, file));
        return { note: file };
      }
      case "push-chart": {
        const { repository, version, pushTo, name } = step.chart;
        const tag = versionToTag(version);
        const again = await recheck(repository, tag);
        if (again.skip) {
          skipped.push({ reference: `${repository}:${version}`, digest: again.digest, reason: "already published from this commit" });
          return { skipped: true, note: "already published from this commit" };
        }
        await helm(helmArgs.push(packages.get(name)!, pushTo, { plainHttp: isLoopbackHost(host) }), `helm push of ${name} ${version}`);
        const digest = (await client.headManifest(repository, tag))?.digest;
        if (!digest) throw new StepFailed(`${repository}:${version} is not in the registry after helm push`);
        published.push({ reference: `${repository}:${version}`, digest });
        return { note: digest };
      }
      case "move-alias": {
        const outcome = await moveAlias(client, step.move);
        aliasOutcomes.push(outcome);
        return outcome.moved ? { note: outcome.digest } : { skipped: true, note: outcome.reason };
      }
    }
  };

  /** What the engine offers, asked once: its platform, and whether BuildKit's buildx is there. */
  const engine = {
    buildxAnswer: undefined as Promise<boolean> | undefined,
    buildx: () => (engine.buildxAnswer ??= ctx.dockerResult(["buildx", "version"]).then((r) => r.code === 0)),
  };
  /** Before anything runs: an engine answers, and it can build what the plan asks for. */
  const checkEngine = async (): Promise<void> => {
    if (!steps.some((s) => s.kind === "build")) return;
    const version = await ctx.dockerResult(["version", "--format", "{{.Server.Os}}/{{.Server.Arch}}"]);
    if (version.code !== 0) throw new ConfigError(`no Docker engine answers at ${env.DOCKER_HOST ?? "the default socket"}: start one, or set DOCKER_HOST (${version.output.trim().split("\n").pop()})`);
    const problems = dockerRunnerProblems(steps.flatMap((s) => (s.kind === "build" ? [s.image] : [])), version.stdout.trim());
    if (problems.length) throw new ConfigError(`${problems.join("; ")}. Nothing was built or pushed.`);
  };

  // Only a run that has used docker can have left containers or a network.
  const cleanUp = async (): Promise<void> => {
    if (dockerBin) await removeRunContainers(ctx);
  };
  const cancel = () => {
    void cleanUp();
  };
  o.signal.addEventListener("abort", cancel, { once: true });
  let current: Step | undefined;
  try {
    await checkEngine();
    if (!o.dryRun) await checkPermissions(client, o.plan, steps, reporter);
    for (const group of concurrentGroups(steps)) {
      if (o.signal.aborted) throw StepFailed.cancelled();
      current = group[0]!.step;
      const outcomes = await Promise.allSettled(group.map(({ step, index }) => reporter.step(index + 1, step, () => handle(step))));
      const failed = outcomes.findIndex((r) => r.status === "rejected");
      if (failed >= 0) {
        current = group[failed]!.step;
        throw (outcomes[failed] as PromiseRejectedResult).reason;
      }
    }
    current = undefined;
    if (aliasOutcomes.some((a) => a.moved)) aliasOutcomes = await settleAliases(client, aliasOutcomes, o.settle ?? DEFAULT_SETTLE);
  } catch (error) {
    throw translate(error, current, published, o.signal.aborted);
  } finally {
    o.signal.removeEventListener("abort", cancel);
    await cleanUp();
    rmSync(work, { recursive: true, force: true });
  }

  const status = steps.length === 0 ? "nothing-to-do" : o.dryRun || !steps.some((s) => s.phase !== "gate") ? "gates-passed" : "published";
  return {
    version: 1,
    summary: o.plan.summary,
    status,
    published,
    skipped,
    aliases: aliasOutcomes.map((a) => ({ reference: `${a.move.repository}:${a.move.alias}`, target: a.move.from, moved: a.moved, reason: a.reason })),
    // Packages in a temp dir are gone when this returns: only name those kept on request.
    packages: o.packagesDir ? [...packages.values()] : [],
    steps: reporter.steps,
  };
}

/** Steps that touch nothing of each other's: a run of them goes at once, still after every earlier step and before every later one. */
const CONCURRENT: ReadonlySet<Step["kind"]> = new Set(["smoke", "push-image", "move-alias"]);

/** The steps in order, consecutive independent ones of the same kind grouped. */
export function concurrentGroups(steps: readonly Step[]): { step: Step; index: number }[][] {
  const groups: { step: Step; index: number }[][] = [];
  steps.forEach((step, index) => {
    const last = groups.at(-1);
    if (last && CONCURRENT.has(step.kind) && last[0]!.step.kind === step.kind) last.push({ step, index });
    else groups.push([{ step, index }]);
  });
  return groups;
}

/** The permissions preflight, before anything is built. */
async function checkPermissions(client: RegistryClient, plan: Plan, steps: readonly Step[], reporter: Reporter): Promise<void> {
  const repositories = steps.flatMap((s) =>
    s.kind === "push-image" ? [s.image.repository] : s.kind === "push-chart" ? [s.chart.repository] : s.kind === "move-alias" ? [s.move.repository] : [],
  );
  if (repositories.length === 0) return;
  const results = await preflight(client, repositories);
  const lacking = results.filter((r) => !r.ok);
  if (lacking.length) {
    throw new ConfigError(
      `the registry credentials may not push to ${lacking.map((r) => `${r.repository} (${r.detail})`).join(", ")}; ` +
        `nothing was built or pushed. Grant them ${lacking.map((r) => r.scope).join(", ")} and run again (charthouse check --online tells)`,
    );
  }
  reporter.line(`preflight: may push to ${results.length} repositor${results.length === 1 ? "y" : "ies"} of ${plan.registry}`);
}

function translate(error: unknown, step: Step | undefined, published: readonly Published[], aborted: boolean): Error {
  if (aborted || (error instanceof StepFailed && error.cancelled)) {
    return new RunCancelled(
      `interrupted${step ? ` during: ${describeStep(step)}` : ""}; the run's containers and network were removed and no alias was moved.` +
        (published.length ? ` Pushed before the interruption: ${published.map((p) => p.reference).join(", ")}.` : " Nothing was pushed."),
    );
  }
  // Before the first step (the preflight), errors speak for themselves.
  if (!step) return error as Error;
  const message = (error as Error).message;
  if (step.phase === "gate") return new GateFailure(`gate failed: ${describeStep(step)}: ${message}. Nothing was published.`);
  const pushedText = published.length ? `Pushed: ${published.map((p) => `${p.reference}@${p.digest}`).join(", ")}.` : "Nothing was pushed.";
  const aliasText = step.phase === "alias" ? "Some aliases may have moved; rerun to finish them." : "No alias was moved.";
  return new PublishFailure(`publish failed: ${describeStep(step)}: ${message}. ${pushedText} ${aliasText}`, published.map((p) => p.reference), { cause: error });
}
