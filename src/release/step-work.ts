import { helmArgs } from "../chart/helm-args.js";
import { chartStage } from "../chart/stage-recipe.js";
import { describeStep, type Step } from "../pipeline/index.js";
import { versionToTag } from "../plan/formats.js";
import { decideImmutable } from "../plan/immutability.js";
import { indexPlatforms, readTag } from "../registry/index.js";
import { StepFailed } from "./engine.js";
import { moveAlias } from "./move-alias.js";
import { builtImage, stagedChart, type ReleaseState } from "./release-state.js";
import { signatureModeOf, signNote, signPushed } from "./sign-pushed.js";

/** What a step's line says after it: a digest, a file, why it was skipped. */
export interface StepNote {
  readonly note?: string;
  readonly skipped?: boolean;
}

type State = ReleaseState<unknown, unknown, unknown, unknown>;
type StepOf<K extends Step["kind"]> = Extract<Step, { kind: K }>;

/** One step's work: each kind is one small function below. */
export function doStep(state: State, step: Step): Promise<StepNote> {
  switch (step.kind) {
    case "build":
      return build(state, step);
    case "smoke":
      return smoke(state, step);
    case "test":
      return test(state, step);
    case "chart-deps":
      return stageChart(state, step);
    case "lint":
      return lint(state, step);
    case "template":
      return template(state, step);
    case "push-image":
      return pushImage(state, step);
    case "package-chart":
      return packageChart(state, step);
    case "push-chart":
      return pushChart(state, step);
    case "sign-image":
      return signImage(state, step);
    case "sign-chart":
      return signChart(state, step);
    case "move-alias":
      return moveOneAlias(state, step);
  }
}

async function build(state: State, step: StepOf<"build">): Promise<StepNote> {
  state.images.set(step.image.name, await state.request.engine.build(step.image));
  return {};
}

async function smoke(state: State, step: StepOf<"smoke">): Promise<StepNote> {
  await state.request.engine.exec(builtImage(state, step.image.name), step.command, { platform: step.platform });
  // Where the engine knows its own platform, a variant for another one ran under emulation.
  const own = state.traits.platform;
  return own !== undefined && own !== step.platform ? { note: `emulated on ${own}` } : {};
}

async function test(state: State, step: StepOf<"test">): Promise<StepNote> {
  const starting = state.earlyServices ?? startServices(state, step);
  state.earlyServices = undefined;
  const services = await starting;
  try {
    await state.request.engine.exec(builtImage(state, step.image.name), step.test.command, {
      env: step.test.env,
      caches: step.test.caches,
      services,
    });
  } finally {
    // Teardown is no gate: the pushes go beside it, the run's end waits for it.
    state.stopping.push(stopServices(state, services));
  }
  return {};
}

/** The suite's services: an image this run built by its handle, any other by its reference. */
export function startServices<Services>(
  state: ReleaseState<unknown, Services, unknown, unknown>,
  step: StepOf<"test">,
): Promise<Services> {
  const built = [...state.request.plan.images, ...step.test.builds];
  const byReference = new Map(built.map((i) => [`${i.repository}:${i.tag}`, i.name]));
  return state.request.engine.startServices(
    step.test.services.map((service) => {
      const name = byReference.get(service.image);
      return { service, image: name ? { built: builtImage(state, name) } : { reference: service.image } };
    }),
  );
}

export function stopServices<Services>(
  state: ReleaseState<unknown, Services, unknown, unknown>,
  services: Services,
): Promise<void> {
  return state.request.engine
    .stopServices(services)
    .catch((error: unknown) =>
      state.reporter.line(
        `stopping the suite's services failed (${(error as Error).message}); the engine's close removes what is left`,
      ),
    );
}

const recipe = (state: State, step: StepOf<"chart-deps" | "package-chart">) =>
  chartStage(step.chart, state.request.files, state.digests);

async function stageChart(state: State, step: StepOf<"chart-deps">): Promise<StepNote> {
  state.staged.set(step.chart.name, await state.request.engine.stageChart(await recipe(state, step)));
  return {};
}

async function lint(state: State, step: StepOf<"lint">): Promise<StepNote> {
  await state.request.engine.helm(stagedChart(state, step.chart.name), (dir) => helmArgs.lint(dir));
  return {};
}

async function template(state: State, step: StepOf<"template">): Promise<StepNote> {
  const rendered = await state.request.engine.helm(stagedChart(state, step.chart.name), (dir) =>
    helmArgs.template(step.chart.name, dir),
  );
  if (rendered.trim() === "") throw new StepFailed(`helm template of ${step.chart.name} rendered nothing`);
  return {};
}

/** Immediately before a push: still absent (push), or there from this very commit (its digest: skip)? */
async function recheck(state: State, repository: string, tag: string): Promise<string | undefined> {
  const found = (await readTag(state.request.client, repository, tag)) ?? undefined;
  const decision = decideImmutable(`${repository}:${tag}`, found, state.request.plan.context.commit);
  if (decision.action === "refuse") throw new StepFailed(decision.reason);
  return decision.action === "skip" ? decision.digest : undefined;
}

const ALREADY = "already published from this commit";

/** An engine's push answered with the manifest's digest, or the step fails. */
function requireDigest(digest: string, reference: string): string {
  if (!/^sha256:[0-9a-f]{64}$/.test(digest))
    throw new StepFailed(`pushing ${reference} gave no digest (${JSON.stringify(digest)})`);
  return digest;
}

async function pushImage(state: State, step: StepOf<"push-image">): Promise<StepNote> {
  const { repository, tag, name } = step.image;
  const reference = `${repository}:${tag}`;
  const there = await recheck(state, repository, tag);
  if (there) {
    state.digests.set(name, there);
    state.skipped.push({ reference, digest: there, reason: ALREADY });
    return { skipped: true, note: ALREADY };
  }
  const digest = requireDigest(await state.request.engine.push(builtImage(state, name), reference), reference);
  state.digests.set(name, digest);
  if (step.image.build.platforms.length === 1) {
    state.published.push({ reference, digest });
    return { note: digest };
  }
  // Several platforms: the tag must hold an index of every one; its children are what signatures name.
  const platforms = await indexPlatforms(state.request.client, repository, digest);
  const missing = step.image.build.platforms.filter((p) => !platforms?.some((m) => m.platform === p));
  if (!platforms || missing.length)
    throw new StepFailed(`${reference} is not an image index holding ${missing.join(", ")} after the push (${digest})`);
  state.published.push({ reference, digest, platforms });
  return { note: `${digest}, an index of ${platforms.map((p) => p.platform).join(", ")}` };
}

async function packageChart(state: State, step: StepOf<"package-chart">): Promise<StepNote> {
  // The pins now carry the digests just pushed: written over the staging the gates checked.
  const file = `${step.chart.name}-${step.chart.version}.tgz`;
  const chart = await state.request.engine.restageChart(stagedChart(state, step.chart.name), await recipe(state, step));
  state.packages.set(step.chart.name, await state.request.engine.packageChart(chart, file));
  return { note: file };
}

async function pushChart(state: State, step: StepOf<"push-chart">): Promise<StepNote> {
  const { repository, version, pushTo, name } = step.chart;
  const tag = versionToTag(version);
  const there = await recheck(state, repository, tag);
  if (there) {
    state.chartDigests.set(name, there);
    state.skipped.push({ reference: `${repository}:${version}`, digest: there, reason: ALREADY });
    return { skipped: true, note: ALREADY };
  }
  const pkg = state.packages.get(name);
  if (pkg === undefined) throw new Error(`bug: chart ${name} pushed before it was packaged`);
  const digest = requireDigest(
    await state.request.engine.pushChart(pkg, pushTo, `${repository}:${tag}`),
    `${repository}:${version}`,
  );
  state.chartDigests.set(name, digest);
  state.published.push({ reference: `${repository}:${version}`, digest });
  return { note: digest };
}

async function signImage(state: State, step: StepOf<"sign-image">): Promise<StepNote> {
  const { repository, tag, name, build, labels } = step.image;
  const artifact = {
    kind: "image" as const,
    name,
    reference: `${repository}:${tag}`,
    target: build.target,
    platforms: build.platforms,
  };
  return sign(
    state,
    `${repository}:${tag}`,
    state.digests.get(name),
    artifact,
    labels["org.opencontainers.image.revision"],
  );
}

async function signChart(state: State, step: StepOf<"sign-chart">): Promise<StepNote> {
  const { repository, version, name, annotations } = step.chart;
  const artifact = { kind: "chart" as const, name, reference: `${repository}:${version}`, version };
  return sign(
    state,
    `${repository}:${versionToTag(version)}`,
    state.chartDigests.get(name),
    artifact,
    annotations["org.opencontainers.image.revision"],
  );
}

/** Signs and attests what `reference` stands for at `digest`, skipping what its repository holds already. */
async function sign(
  state: State,
  reference: string,
  digest: string | undefined,
  artifact: Parameters<typeof signPushed>[3],
  revision: string | undefined,
): Promise<StepNote> {
  if (digest === undefined) throw new Error(`bug: ${reference} signed before it was pushed`);
  const { request, steps } = state;
  const repository = reference.slice(0, reference.lastIndexOf(":"));
  const context = {
    client: request.client,
    mode: await signatureModeOf(request.client, state.signatureModes, repository, digest),
    engine: request.engine,
    facts: {
      context: request.plan.context,
      gates: steps.filter((s) => s.phase === "gate").map(describeStep),
      builderVersion: request.builderVersion ?? "unknown",
    },
  };
  const outcome = await signPushed(context, repository, digest, artifact, revision);
  state.signed.push({ reference, digest, signatures: outcome.signatures, attestations: outcome.attestations });
  return { note: signNote(outcome), skipped: outcome.signatures + outcome.attestations === 0 };
}

async function moveOneAlias(state: State, step: StepOf<"move-alias">): Promise<StepNote> {
  const outcome = await moveAlias(state.request.client, step.move);
  state.aliases.push(outcome);
  return outcome.moved ? { note: outcome.digest } : { skipped: true, note: outcome.reason };
}
