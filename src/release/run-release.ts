import { GateFailure, PublishFailure, RunCancelled } from "../errors.js";
import { commandSteps, describeStep, type Step } from "../pipeline/index.js";
import { StepFailed } from "./engine.js";
import { FailedStep, PHASES } from "./phases.js";
import { Reporter, type StepRecord } from "./reporter.js";
import { releaseState, type Published, type ReleaseRequest, type ReleaseState, type Signed } from "./release-state.js";
import { stopServices } from "./step-work.js";

export type { Published, ReleaseRequest, Signed } from "./release-state.js";

export interface RunResult {
  readonly version: 1;
  readonly summary: string;
  readonly status: "published" | "nothing-to-do" | "gates-passed";
  readonly published: readonly Published[];
  readonly skipped: readonly (Published & { readonly reason: string })[];
  readonly aliases: readonly {
    readonly reference: string;
    readonly target: string;
    readonly moved: boolean;
    readonly reason: string;
  }[];
  /** What the signing steps signed and attested (none when the run had no key). */
  readonly signed: readonly Signed[];
  /**
   * Packaged charts, as paths where they stay once the run ended (`charthouse package --output`); none when they went
   * with the run.
   */
  readonly packages: readonly string[];
  readonly steps: readonly StepRecord[];
  /** Time spent outside the steps: the preflights before them, the alias settle round after them. */
  readonly preflightMs: number;
  readonly settleMs: number;
}

/**
 * Everything a release produced: its result, and the engine's handles of the built images and the packages, by name.
 */
export interface ReleaseOutcome<Image, Package> {
  readonly result: RunResult;
  readonly images: ReadonlyMap<string, Image>;
  readonly packages: ReadonlyMap<string, Package>;
}

/**
 * The one release orchestration, for `charthouse publish|build|test|lint|package` and for
 * every function of the Dagger module: takes the command's steps from the plan (only the
 * gates on a dry run) and runs the PHASES in order. A failing gate publishes nothing
 * (GateFailure); a failing push moves no alias (PublishFailure, naming what was pushed);
 * an interruption says what was pushed (RunCancelled). The engine is closed however the
 * run ends.
 */
export async function runRelease<Image, Services, Chart, Package>(
  request: ReleaseRequest<Image, Services, Chart, Package>,
): Promise<ReleaseOutcome<Image, Package>> {
  const all = commandSteps(request.command, request.plan, { image: request.image, sign: request.sign });
  request.announce?.(all);
  const steps = request.dryRun ? all.filter((s) => s.phase === "gate") : all;
  const state = releaseState(request, steps, new Reporter(request.write, request.secrets ?? [], steps.length));
  const timings = { preflightMs: 0, settleMs: 0 };
  const { engine, signal } = request;
  const close = () => void engine.close();
  signal?.addEventListener("abort", close, { once: true });
  try {
    for (const phase of PHASES) {
      const started = Date.now();
      const outcome = await phase.run(state as ReleaseState<unknown, unknown, unknown, unknown>);
      if (phase.timing && !outcome) timings[phase.timing] += Date.now() - started;
    }
  } catch (error) {
    const failed = error instanceof FailedStep ? error : undefined;
    throw failure(failed ? failed.reason : error, failed?.step, state.published, signal?.aborted === true);
  } finally {
    signal?.removeEventListener("abort", close);
    // Started early, never taken by the test step (an earlier gate failed).
    const early = state.earlyServices;
    if (early)
      state.stopping.push(
        early.then(
          (services) => stopServices(state, services),
          () => undefined,
        ),
      );
    await Promise.all(state.stopping);
    await engine.close();
  }
  return { result: resultOf(state, timings), images: state.images, packages: state.packages };
}

function resultOf<Image, Services, Chart, Package>(
  state: ReleaseState<Image, Services, Chart, Package>,
  timings: { preflightMs: number; settleMs: number },
): RunResult {
  const { steps, request } = state;
  const kept = request.engine.keptPackage;
  return {
    version: 1,
    summary: request.plan.summary,
    status:
      steps.length === 0
        ? "nothing-to-do"
        : request.dryRun || !steps.some((s) => s.phase !== "gate")
          ? "gates-passed"
          : "published",
    published: state.published,
    skipped: state.skipped,
    aliases: state.aliases.map((a) => ({
      reference: `${a.move.repository}:${a.move.alias}`,
      target: a.move.from,
      moved: a.moved,
      reason: a.reason,
    })),
    signed: state.signed,
    packages: kept ? [...state.packages.values()].flatMap((p) => kept(p) ?? []) : [],
    steps: state.reporter.steps,
    ...timings,
  };
}

/** The error a failed release throws: what failed, what was pushed before it, and what to do. */
function failure(error: unknown, step: Step | undefined, published: readonly Published[], aborted: boolean): Error {
  if (aborted || (error instanceof StepFailed && error.cancelled)) {
    return new RunCancelled(
      `interrupted${step ? ` during: ${describeStep(step)}` : ""}; the run's containers and network were removed and ` +
        "no alias was moved." +
        (published.length
          ? ` Pushed before the interruption: ${published.map((p) => p.reference).join(", ")}.`
          : " Nothing was pushed."),
    );
  }
  // Before the first step (the preflights), errors speak for themselves.
  if (!step) return error as Error;
  const message = (error as Error).message;
  if (step.phase === "gate")
    return new GateFailure(`gate failed: ${describeStep(step)}: ${message}. Nothing was published.`, { cause: error });
  const pushedText = published.length
    ? `Pushed: ${published.map((p) => `${p.reference}@${p.digest}`).join(", ")}.`
    : "Nothing was pushed.";
  const aliasText =
    step.phase === "alias" ? "Some aliases may have moved; rerun to finish them." : "No alias was moved.";
  return new PublishFailure(
    `publish failed: ${describeStep(step)}: ${message}. ${pushedText} ${aliasText}`,
    published.map((p) => p.reference),
    { cause: error },
  );
}
