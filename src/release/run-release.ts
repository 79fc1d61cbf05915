import { helmArgs } from "../chart/helm-args.js";
import { chartStage, type ReadProjectText } from "../chart/stage-recipe.js";
import { ConfigError, GateFailure, PublishFailure, RunCancelled } from "../errors.js";
import { describeStep, type Step } from "../pipeline/index.js";
import { versionToTag } from "../plan/formats.js";
import { decideImmutable } from "../plan/immutability.js";
import type { Plan } from "../plan/types.js";
import { DEFAULT_SETTLE, moveAlias, preflight, readTag, settleAliases, type AliasOutcome, type RegistryClient, type Secret, type SettleOptions } from "../registry/index.js";
import { StepFailed, type Engine } from "./engine.js";
import { Reporter, type StepRecord } from "./reporter.js";
import { runGraph } from "./run-graph.js";
import { signNote, signPushed, type SignContext } from "./sign-pushed.js";
import { stepGraph } from "./step-graph.js";

export interface ReleaseRun<Image, Services, Chart, Package> {
  readonly plan: Plan;
  /** The steps to walk: `commandSteps(command, plan)`. */
  readonly steps: readonly Step[];
  readonly engine: Engine<Image, Services, Chart, Package>;
  /** Reads the registry: re-checks before pushes, digests, alias moves, the permissions preflight. */
  readonly client: RegistryClient;
  /** The project's files, for staging charts. */
  readonly read: ReadProjectText;
  /** Where progress goes: a line per step, the output of a failing step; `secrets` are redacted from all of it. */
  readonly write: (text: string) => void;
  readonly secrets?: readonly (Secret | undefined)[];
  /** Gates only: every step but the pushes and alias moves. */
  readonly dryRun?: boolean;
  readonly signal?: AbortSignal;
  readonly settle?: SettleOptions;
  /** charthouse's version, the builder its provenance attestations name. */
  readonly builderVersion?: string;
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
  /** What the signing steps signed and attested (none when the run had no key). */
  readonly signed: readonly Signed[];
  /** Packaged charts, as the front end names them (paths, file names). */
  readonly packages: readonly string[];
  readonly steps: readonly StepRecord[];
  /** Time spent outside the steps: the preflights before them, the alias settle round after them. */
  readonly preflightMs: number;
  readonly settleMs: number;
}

export interface Signed {
  /** The name signed, `repository:tag` or `repository:version`, and the digest it stands for. */
  readonly reference: string;
  readonly digest: string;
  /** Signatures and attestations written by this run (0 and 0: all there already). */
  readonly signatures: number;
  readonly attestations: number;
}

/** What a run produced besides its result: the engine's handles of the built images and the packages, by name. */
export interface RunOutcome<Image, Package> {
  readonly result: RunResult;
  readonly images: ReadonlyMap<string, Image>;
  readonly packages: ReadonlyMap<string, Package>;
}

/**
 * The one release orchestration, for `charthouse publish|test|lint|package` and for every
 * function of the Dagger module: the engine's own preflight, the permissions preflight
 * (before anything is built), then the steps, each once the steps it needs have passed
 * (stepGraph), so independent ones overlap — gates; immutable pushes, each
 * re-checked against the registry just before (a tag that appeared meanwhile from this
 * commit is skipped, from another refused) and each digest recorded for the chart pins;
 * last the alias moves, compare-and-set, and a settle round when any moved. A failing
 * gate publishes nothing (GateFailure); a failing push moves no alias (PublishFailure,
 * naming what was pushed); an interruption says what was pushed (RunCancelled). The
 * engine is closed however the run ends.
 */
export async function runRelease<Image, Services, Chart, Package>(r: ReleaseRun<Image, Services, Chart, Package>): Promise<RunOutcome<Image, Package>> {
  const { plan, engine, client } = r;
  const steps = r.dryRun ? r.steps.filter((s) => s.phase === "gate") : r.steps;
  const reporter = new Reporter(r.write, r.secrets ?? [], steps.length);
  const aborted = () => r.signal?.aborted === true;

  const images = new Map<string, Image>();
  const digests = new Map<string, string>();
  for (const image of plan.images) if (image.publication.action === "skip") digests.set(image.name, image.publication.digest);
  const chartDigests = new Map<string, string>();
  for (const chart of plan.charts) if (chart.publication.action === "skip") chartDigests.set(chart.name, chart.publication.digest);
  const staged = new Map<string, Chart>();
  const packages = new Map<string, Package>();
  const published: Published[] = [];
  const skipped: (Published & { reason: string })[] = [];
  const signed: Signed[] = [];
  let aliases: AliasOutcome[] = [];

  const built = (name: string): Image => {
    const image = images.get(name);
    if (image === undefined) throw new Error(`bug: image ${name} used before its build step`);
    return image;
  };
  const chartOf = (name: string): Chart => {
    const chart = staged.get(name);
    if (chart === undefined) throw new Error(`bug: chart ${name} used before its dependency step`);
    return chart;
  };
  /** Immediately before a push: still absent (push), or there from this very commit (skip)? */
  const recheck = async (repository: string, tag: string): Promise<string | undefined> => {
    const decision = decideImmutable(`${repository}:${tag}`, (await readTag(client, repository, tag)) ?? undefined, plan.context.commit);
    if (decision.action === "refuse") throw new StepFailed(decision.reason);
    return decision.action === "skip" ? decision.digest : undefined;
  };
  const signing: SignContext = {
    client,
    engine,
    facts: { context: plan.context, gates: steps.filter((s) => s.phase === "gate").map(describeStep), builderVersion: r.builderVersion ?? "unknown" },
  };
  const sign = async (reference: string, digest: string | undefined, artifact: Parameters<typeof signPushed>[3], revision: string | undefined) => {
    if (digest === undefined) throw new Error(`bug: ${reference} signed before it was pushed`);
    const outcome = await signPushed(signing, reference.slice(0, reference.lastIndexOf(":")), digest, artifact, revision);
    signed.push({ reference, digest, ...outcome });
    return { note: signNote(outcome), skipped: outcome.signatures + outcome.attestations === 0 };
  };
  const recipe = (step: Extract<Step, { chart: unknown }>) => chartStage(step.chart, r.read, digests);

  const byReference = new Map(plan.images.map((i) => [`${i.repository}:${i.tag}`, i.name]));
  const startServices = (step: Extract<Step, { kind: "test" }>) =>
    engine.startServices(
      step.test.services.map((service) => {
        const name = byReference.get(service.image);
        return { service, image: name ? { built: built(name) } : { reference: service.image } };
      }),
    );
  // Services that run no image of this run's start with the gates: their start and readiness
  // overlap the builds instead of following them. The test step takes them (and stops them).
  let early: Promise<Services> | undefined;
  const stopping: Promise<void>[] = [];
  const stopServices = (services: Services): Promise<void> =>
    engine.stopServices(services).catch((error: unknown) => reporter.line(`stopping the suite's services failed (${(error as Error).message}); the engine's close removes what is left`));

  const handle = async (step: Step): Promise<{ note?: string; skipped?: boolean }> => {
    switch (step.kind) {
      case "build":
        images.set(step.image.name, await engine.build(step.image));
        return {};
      case "smoke":
        await engine.run(built(step.image.name), step.command);
        return {};
      case "test": {
        const starting = early ?? startServices(step);
        early = undefined;
        const services = await starting;
        try {
          await engine.run(built(step.image.name), step.test.command, { env: step.test.env, caches: step.test.caches, services });
        } finally {
          // Teardown is no gate: the pushes go beside it, the run's end waits for it.
          stopping.push(stopServices(services));
        }
        return {};
      }
      case "chart-deps":
        staged.set(step.chart.name, await engine.stageChart(await recipe(step)));
        return {};
      case "lint":
        await engine.helm(chartOf(step.chart.name), (dir) => helmArgs.lint(dir));
        return {};
      case "template": {
        const rendered = await engine.helm(chartOf(step.chart.name), (dir) => helmArgs.template(step.chart.name, dir));
        if (rendered.trim() === "") throw new StepFailed(`helm template of ${step.chart.name} rendered nothing`);
        return {};
      }
      case "push-image": {
        const { repository, tag, name } = step.image;
        const there = await recheck(repository, tag);
        if (there) {
          digests.set(name, there);
          skipped.push({ reference: `${repository}:${tag}`, digest: there, reason: "already published from this commit" });
          return { skipped: true, note: "already published from this commit" };
        }
        const digest = await engine.push(built(name), `${repository}:${tag}`);
        if (!/^sha256:[0-9a-f]{64}$/.test(digest)) throw new StepFailed(`pushing ${repository}:${tag} gave no digest (${JSON.stringify(digest)})`);
        digests.set(name, digest);
        published.push({ reference: `${repository}:${tag}`, digest });
        return { note: digest };
      }
      case "package-chart": {
        // The pins now carry the digests just pushed: written over the staging the gates checked.
        const file = `${step.chart.name}-${step.chart.version}.tgz`;
        const chart = await engine.restageChart(chartOf(step.chart.name), await recipe(step));
        packages.set(step.chart.name, await engine.packageChart(chart, file));
        return { note: file };
      }
      case "push-chart": {
        const { repository, version, pushTo, name } = step.chart;
        const tag = versionToTag(version);
        const there = await recheck(repository, tag);
        if (there) {
          chartDigests.set(name, there);
          skipped.push({ reference: `${repository}:${version}`, digest: there, reason: "already published from this commit" });
          return { skipped: true, note: "already published from this commit" };
        }
        const pkg = packages.get(name);
        if (pkg === undefined) throw new Error(`bug: chart ${name} pushed before it was packaged`);
        await engine.pushChart(pkg, pushTo);
        const digest = (await client.headManifest(repository, tag))?.digest;
        if (!digest) throw new StepFailed(`${repository}:${version} is not in the registry after helm push`);
        chartDigests.set(name, digest);
        published.push({ reference: `${repository}:${version}`, digest });
        return { note: digest };
      }
      case "sign-image": {
        const { repository, tag, name, build, labels } = step.image;
        const artifact = { kind: "image" as const, name, reference: `${repository}:${tag}`, target: build.target, platforms: build.platforms };
        return sign(`${repository}:${tag}`, digests.get(name), artifact, labels["org.opencontainers.image.revision"]);
      }
      case "sign-chart": {
        const { repository, version, name, annotations } = step.chart;
        const artifact = { kind: "chart" as const, name, reference: `${repository}:${version}`, version };
        return sign(`${repository}:${versionToTag(version)}`, chartDigests.get(name), artifact, annotations["org.opencontainers.image.revision"]);
      }
      case "move-alias": {
        const outcome = await moveAlias(client, step.move);
        aliases.push(outcome);
        return outcome.moved ? { note: outcome.digest } : { skipped: true, note: outcome.reason };
      }
    }
  };

  const close = () => void engine.close();
  r.signal?.addEventListener("abort", close, { once: true });
  let preflightMs = 0;
  let settleMs = 0;
  try {
    const started = Date.now();
    // The engine's preflight first: a run it refuses touches nothing, not even the registry.
    const traits = await engine.preflight(steps);
    if (!r.dryRun) await checkPermissions(client, plan, steps, reporter);
    preflightMs = Date.now() - started;
    const suite = steps.find((s): s is Extract<Step, { kind: "test" }> => s.kind === "test");
    if (suite && suite.test.services.length > 0 && suite.test.services.every((service) => !byReference.has(service.image))) {
      early = startServices(suite);
      // Observed by the test step; a run that fails before it stops them below.
      early.catch(() => undefined);
    }
    // One pass over the steps, each starting once the steps it needs have passed (stepGraph).
    await runGraph(
      stepGraph(steps, traits),
      (i) => reporter.step(i + 1, steps[i]!, () => handle(steps[i]!)).then(() => undefined, (reason: unknown) => Promise.reject(new FailedStep(steps[i]!, reason))),
      () => (aborted() ? StepFailed.cancelled() : undefined),
    );
    if (aliases.some((a) => a.moved)) {
      const started = Date.now();
      aliases = await settleAliases(client, aliases, r.settle ?? DEFAULT_SETTLE);
      settleMs = Date.now() - started;
      reporter.line(`settle: re-read the moved aliases after ${settleMs} ms (three read-to-write windows): ${aliases.filter((a) => a.moved).length} in place`);
    }
  } catch (error) {
    const failed = error instanceof FailedStep ? error : undefined;
    throw translate(failed ? failed.reason : error, failed?.step, published, aborted());
  } finally {
    r.signal?.removeEventListener("abort", close);
    // Started early, never taken by the test step (an earlier gate failed).
    if (early) stopping.push(early.then(stopServices, () => undefined));
    await Promise.all(stopping);
    await engine.close();
  }

  const status = steps.length === 0 ? "nothing-to-do" : r.dryRun || !steps.some((s) => s.phase !== "gate") ? "gates-passed" : "published";
  return {
    result: {
      version: 1,
      summary: plan.summary,
      status,
      published,
      skipped,
      aliases: aliases.map((a) => ({ reference: `${a.move.repository}:${a.move.alias}`, target: a.move.from, moved: a.moved, reason: a.reason })),
      signed,
      packages: [],
      steps: reporter.steps,
      preflightMs,
      settleMs,
    },
    images,
    packages,
  };
}

/** A step's failure with the step: steps run side by side, so no shared "current step" can say which failed. */
class FailedStep {
  constructor(
    readonly step: Step,
    readonly reason: unknown,
  ) {}
}

/** The repositories the steps push to or move aliases in. */
export function pushedRepositories(steps: readonly Step[]): string[] {
  return [
    ...new Set(
      steps.flatMap((s) => (s.kind === "push-image" ? [s.image.repository] : s.kind === "push-chart" ? [s.chart.repository] : s.kind === "move-alias" ? [s.move.repository] : [])),
    ),
  ];
}

/** The permissions preflight, before anything is built. */
async function checkPermissions(client: RegistryClient, plan: Plan, steps: readonly Step[], reporter: Reporter): Promise<void> {
  const repositories = pushedRepositories(steps);
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
  // Before the first step (the preflights), errors speak for themselves.
  if (!step) return error as Error;
  const message = (error as Error).message;
  if (step.phase === "gate") return new GateFailure(`gate failed: ${describeStep(step)}: ${message}. Nothing was published.`, { cause: error });
  const pushedText = published.length ? `Pushed: ${published.map((p) => `${p.reference}@${p.digest}`).join(", ")}.` : "Nothing was pushed.";
  const aliasText = step.phase === "alias" ? "Some aliases may have moved; rerun to finish them." : "No alias was moved.";
  return new PublishFailure(`publish failed: ${describeStep(step)}: ${message}. ${pushedText} ${aliasText}`, published.map((p) => p.reference), { cause: error });
}
