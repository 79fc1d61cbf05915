import { ConfigError } from "../errors.js";
import { shellQuote } from "../exec/shell-quote.js";
import type { AliasMove, ChartPlan, ImagePlan, Plan, TestPlan } from "../plan/types.js";

/**
 * One thing an executor does. Gates come first; immutable publishes only after every
 * gate; signatures (when the run has a key) after every publish; alias moves last.
 */
export type Step =
  | { readonly kind: "build"; readonly phase: "gate"; readonly image: ImagePlan }
  /** One per platform the image is built for: each is run, emulated where the engine's own platform is another. */
  | {
      readonly kind: "smoke";
      readonly phase: "gate";
      readonly image: ImagePlan;
      readonly command: readonly string[];
      readonly platform: string;
    }
  | { readonly kind: "test"; readonly phase: "gate"; readonly image: ImagePlan; readonly test: TestPlan }
  | { readonly kind: "chart-deps"; readonly phase: "gate"; readonly chart: ChartPlan }
  | { readonly kind: "lint"; readonly phase: "gate"; readonly chart: ChartPlan }
  | { readonly kind: "template"; readonly phase: "gate"; readonly chart: ChartPlan }
  | { readonly kind: "push-image"; readonly phase: "publish"; readonly image: ImagePlan }
  | { readonly kind: "package-chart"; readonly phase: "publish"; readonly chart: ChartPlan }
  | { readonly kind: "push-chart"; readonly phase: "publish"; readonly chart: ChartPlan }
  /** Signs an image's pushed digest (an index and each of its children) and attests it. */
  | { readonly kind: "sign-image"; readonly phase: "sign"; readonly image: ImagePlan }
  /** Signs a chart's pushed digest and attests its provenance. */
  | { readonly kind: "sign-chart"; readonly phase: "sign"; readonly chart: ChartPlan }
  | { readonly kind: "move-alias"; readonly phase: "alias"; readonly move: AliasMove };

export type StepKind = Step["kind"];

/** Whether the run has anything to publish or move at all. */
export function publishesAnything(plan: Plan): boolean {
  return (
    plan.images.some((i) => i.publication.action === "push") ||
    plan.charts.some((c) => c.publication.action === "push") ||
    plan.aliases.length > 0
  );
}

/** Whether the run publishes by its nature (nightly, release, default branch), even if all of it is there already. */
function isPublishingRun(plan: Plan): boolean {
  return (
    plan.images.some((i) => i.publication.action !== "none") || plan.charts.some((c) => c.publication.action !== "none")
  );
}

/**
 * The plan as the ordered list of steps every executor walks (the Dagger module,
 * the Docker runner, dry runs); none adds to it. The order is the one a person reads and
 * steps are numbered by; each step starts once the earlier steps it needs have passed
 * (runRelease's stepGraph), so independent ones overlap. A publishing run whose
 * artifacts are all in the registry already from this commit has no steps: the gates
 * guard pushes, and there is none.
 */
export function planSteps(plan: Plan, opts: { sign?: boolean } = {}): Step[] {
  if (isPublishingRun(plan) && !publishesAnything(plan)) return [];
  const steps = gateSteps(plan);
  for (const image of plan.images) {
    if (image.publication.action === "push") steps.push({ kind: "push-image", phase: "publish", image });
  }
  for (const chart of plan.charts) {
    if (chart.publication.action === "push") {
      steps.push({ kind: "package-chart", phase: "publish", chart }, { kind: "push-chart", phase: "publish", chart });
    }
  }
  if (opts.sign) steps.push(...signSteps(plan));
  for (const move of plan.aliases) steps.push({ kind: "move-alias", phase: "alias", move });
  return steps;
}

/**
 * With a signing key, every image and chart the run publishes is signed, including what
 * is there already from this commit: a run that failed while signing left it pushed but
 * unsigned, and its rerun finishes the job (the signing step skips what is signed).
 */
function signSteps(plan: Plan): Step[] {
  return [
    ...plan.images
      .filter((image) => image.publication.action !== "none")
      .map((image): Step => ({ kind: "sign-image", phase: "sign", image })),
    ...plan.charts
      .filter((chart) => chart.publication.action !== "none")
      .map((chart): Step => ({ kind: "sign-chart", phase: "sign", chart })),
  ];
}

/** Every gate of the plan, whether or not anything is left to publish (`charthouse test`, `lint`). */
export function gateSteps(plan: Plan): Step[] {
  const steps: Step[] = [];
  for (const image of plan.images) steps.push({ kind: "build", phase: "gate", image });
  for (const image of plan.images) {
    const command = image.smoke;
    if (command)
      steps.push(
        ...image.build.platforms.map((platform): Step => ({ kind: "smoke", phase: "gate", image, command, platform })),
      );
  }
  if (plan.test) {
    const test = plan.test;
    const image = plan.images.find((i) => i.name === test.image);
    if (!image) throw new Error(`bug: test image ${test.image} is not in the plan`);
    for (const build of test.builds) steps.push({ kind: "build", phase: "gate", image: build });
    steps.push({ kind: "test", phase: "gate", image, test });
  }
  for (const chart of plan.charts) steps.push(...chartGates(chart));
  return steps;
}

/** Every chart's gates, then its package, whatever the run publishes (`charthouse package`). */
export function packageSteps(plan: Plan): Step[] {
  return plan.charts.flatMap((chart): Step[] => [
    ...chartGates(chart),
    { kind: "package-chart", phase: "publish", chart },
  ]);
}

/** What each command of charthouse (and function of the Dagger module) walks. */
export type Command = "publish" | "build" | "test" | "lint" | "package";

/**
 * The steps a command walks: `publish` every step of the plan (signing too when `sign`,
 * the run has a key); `build` the builds (of one
 * image when `image` is given); `test` builds, smoke tests and the suite; `lint` the chart
 * gates; `package` the chart gates and packages. Throws ConfigError for an unknown image.
 */
export function commandSteps(command: Command, plan: Plan, opts: { image?: string; sign?: boolean } = {}): Step[] {
  switch (command) {
    case "publish":
      return planSteps(plan, { sign: opts.sign });
    case "build": {
      if (opts.image && !plan.images.some((i) => i.name === opts.image)) {
        throw new ConfigError(
          `charthouse.yaml has no image named ${opts.image}: choose one of ` +
            `${plan.images.map((i) => i.name).join(", ") || "(none)"}`,
        );
      }
      return gateSteps(plan).filter((s) => s.kind === "build" && (!opts.image || s.image.name === opts.image));
    }
    case "test":
      return gateSteps(plan).filter((s) => s.kind === "build" || s.kind === "smoke" || s.kind === "test");
    case "lint":
      return gateSteps(plan).filter((s) => s.kind === "chart-deps" || s.kind === "lint" || s.kind === "template");
    case "package":
      return packageSteps(plan);
  }
}

function chartGates(chart: ChartPlan): Step[] {
  return [
    { kind: "chart-deps", phase: "gate", chart },
    { kind: "lint", phase: "gate", chart },
    { kind: "template", phase: "gate", chart },
  ];
}

/** One line naming a step, for progress output and plan tables. */
export function describeStep(step: Step): string {
  switch (step.kind) {
    case "build":
      return (
        `build ${step.image.name} (${step.image.build.target ?? "default target"}) as ` +
        `${step.image.repository}:${step.image.tag}`
      );
    case "smoke":
      // The platform is news only where there are several.
      return (
        `smoke-test ${step.image.name}${step.image.build.platforms.length > 1 ? ` on ${step.platform}` : ""}: ` +
        `${shellQuote(step.command)}`
      );
    case "test":
      return (
        `test in ${step.image.name} with ${step.test.services.map((s) => s.name).join(", ") || "no services"}: ` +
        `${shellQuote(step.test.command)}`
      );
    case "chart-deps":
      return `helm dependency build ${step.chart.relativePath}`;
    case "lint":
      return `helm lint --strict ${step.chart.name}`;
    case "template":
      return `helm template ${step.chart.name} with pinned images`;
    case "push-image":
      return `push ${step.image.repository}:${step.image.tag}`;
    case "package-chart":
      return `package ${step.chart.name} ${step.chart.version} (appVersion ${step.chart.appVersion ?? "unset"})`;
    case "push-chart":
      return `push ${step.chart.repository}:${step.chart.version}`;
    case "sign-image":
      return `sign and attest ${step.image.repository}:${step.image.tag}`;
    case "sign-chart":
      return `sign and attest ${step.chart.repository}:${step.chart.version}`;
    case "move-alias":
      return `move ${step.move.repository}:${step.move.alias} → ${step.move.from}`;
  }
}
