import type { Step } from "../pipeline/index.js";
import { lackingPushRights, preflight } from "../registry/index.js";
import { StepFailed } from "./engine.js";
import { DEFAULT_SETTLE, settleAliases } from "./move-alias.js";
import type { ReleaseState } from "./release-state.js";
import { stepGraph } from "./step-graph.js";
import { doStep, startServices } from "./step-work.js";
import { walkGraph } from "./walk-graph.js";

type State = ReleaseState<unknown, unknown, unknown, unknown>;

/** A phase either ran, or says why it did not apply (goreleaser's pipe.Skip). */
export type PhaseOutcome = void | { readonly skip: string };

export interface Phase {
  /** What a person reads of it. */
  readonly name: string;
  /** Which of the result's timings its time counts towards. */
  readonly timing?: "preflightMs" | "settleMs";
  run(state: State): Promise<PhaseOutcome>;
}

/** The release, in order. New phases (signing, image indexes) go where their comment says. */
export const PHASES: readonly Phase[] = [
  // The engine's own refusal first: a run it refuses touches nothing, not even the registry.
  { name: "engine preflight", timing: "preflightMs", run: enginePreflight },
  // May the credentials push to every repository the steps push to? Asked before anything is built.
  { name: "push rights", timing: "preflightMs", run: checkPushRights },
  // Services that run no image of this run start with the gates, their readiness overlapping the builds.
  { name: "early services", run: startEarlyServices },
  // Gates, immutable pushes, packages, signatures and attestations (with a key: after every push,
  // before any alias), alias moves: each step once the steps it needs have passed.
  { name: "steps", run: walkSteps },
  // Re-read the moved aliases and put back any a racing run overwrote.
  { name: "settle", timing: "settleMs", run: settleMovedAliases },
];

async function enginePreflight(state: State): Promise<PhaseOutcome> {
  state.traits = await state.request.engine.preflight(state.steps);
  if (state.traits.builder) state.reporter.line(`builder: ${state.traits.builder}`);
}

/** The repositories the steps push to or move aliases in. */
export function pushedRepositories(steps: readonly Step[]): string[] {
  return [
    ...new Set(
      steps.flatMap((s) =>
        s.kind === "push-image"
          ? [s.image.repository]
          : s.kind === "push-chart"
            ? [s.chart.repository]
            : s.kind === "move-alias"
              ? [s.move.repository]
              : [],
      ),
    ),
  ];
}

async function checkPushRights(state: State): Promise<PhaseOutcome> {
  if (state.request.dryRun) return { skip: "a dry run pushes nothing" };
  const repositories = pushedRepositories(state.steps);
  if (repositories.length === 0) return { skip: "nothing to push" };
  const results = await preflight(state.request.client, repositories);
  const refusal = lackingPushRights(results, "run again; nothing was built or pushed");
  if (refusal) throw refusal;
  state.reporter.line(
    `preflight: may push to ${results.length} repositor${results.length === 1 ? "y" : "ies"} of ` +
      `${state.request.plan.registry}`,
  );
}

async function startEarlyServices(state: State): Promise<PhaseOutcome> {
  const suite = state.steps.find((s): s is Extract<Step, { kind: "test" }> => s.kind === "test");
  if (!suite || suite.test.services.length === 0) return { skip: "no services" };
  const built = new Set([...state.request.plan.images, ...suite.test.builds].map((i) => `${i.repository}:${i.tag}`));
  if (suite.test.services.some((service) => built.has(service.image)))
    return { skip: "a service runs an image this run builds" };
  state.earlyServices = startServices(state, suite);
  // Observed by the test step; a run that fails before it stops them at its end.
  state.earlyServices.catch(() => undefined);
}

/** A step's failure with the step: steps run side by side, so no shared "current step" can say which failed. */
export class FailedStep {
  constructor(
    readonly step: Step,
    readonly reason: unknown,
  ) {}
}

async function walkSteps(state: State): Promise<PhaseOutcome> {
  const { steps, reporter, request } = state;
  await walkGraph(
    stepGraph(steps, state.traits),
    (i) =>
      reporter
        .step(i + 1, steps[i]!, () => doStep(state, steps[i]!))
        .then(
          () => undefined,
          (reason: unknown) => Promise.reject(new FailedStep(steps[i]!, reason)),
        ),
    () => (request.signal?.aborted ? StepFailed.cancelled() : undefined),
  );
}

async function settleMovedAliases(state: State): Promise<PhaseOutcome> {
  if (!state.aliases.some((a) => a.moved)) return { skip: "no alias moved" };
  const started = Date.now();
  state.aliases = await settleAliases(state.request.client, state.aliases, state.request.settle ?? DEFAULT_SETTLE);
  state.reporter.line(
    `settle: re-read the moved aliases after ${Date.now() - started} ms (three read-to-write windows): ` +
      `${state.aliases.filter((a) => a.moved).length} in place`,
  );
}
