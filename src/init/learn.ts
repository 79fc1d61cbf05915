import { readFileSync } from "node:fs";
import { join, normalize } from "node:path";
import { listStages } from "../config/dockerfile.js";
import { ConfigError } from "../errors.js";
import { decideImages, type DecidedImage, type ImageDecision } from "./decide-images.js";
import type { ProjectFacts } from "./detect-project.js";
import { learnFromChartpress } from "./learn-chartpress.js";
import { learnFromCircleCi } from "./learn-circleci.js";
import { learnFromCompose, sameBuild, type ComposeBuild, type ComposeFacts } from "./learn-compose.js";
import { learnPins, type LearnedPin } from "./learn-pins.js";
import { learnTagPatterns, type LearnedPatterns } from "./learn-tags.js";
import { learnFromWorkflows, type WorkflowBuild, type WorkflowChart, type WorkflowLogin } from "./learn-workflows.js";
import { at, readChartIn, type Origin } from "./read-yaml.js";

export type { Origin } from "./read-yaml.js";
export { at } from "./read-yaml.js";

export interface LearnedChart {
  readonly dir: string;
  readonly name: string;
  readonly releaser?: WorkflowChart;
  readonly pins: readonly LearnedPin[];
}

/**
 * Everything init decided from the repository, each with where it was read; and what it left out or could not decide.
 */
export interface Learned {
  readonly registry?: { readonly value: string; readonly source: string };
  /** Why the registry is left as a TODO, when it is. */
  readonly registryTodo?: string;
  /** Images the CI publishes; undefined when no CI builds any (init then offers the Dockerfile stages). */
  readonly images?: readonly DecidedImage[];
  readonly compose: ComposeFacts;
  /** The published image the suite runs in (the one the tested service builds or runs). */
  readonly testImage?: string;
  readonly charts: readonly LearnedChart[];
  readonly patterns: LearnedPatterns;
  /**
   * References to what is not there or not published (stale targets, test-only images, pins of images nothing builds).
   */
  readonly stale: readonly string[];
  /** What could not be evaluated or needs a person: reported, never copied. */
  readonly notes: readonly string[];
  readonly supersedes: readonly string[];
}

/**
 * Reads what the repository already says about building, testing and publishing it: its
 * GitHub workflows (and the local actions and workflows they use), CircleCI jobs, compose
 * files, charts' values and git tags. Throws a ConfigError (exit 2) naming what it cannot
 * decide rather than write a config `check` would refuse.
 */
export function learnFromRepository(root: string, facts: ProjectFacts): Learned {
  const workflows = learnFromWorkflows(root, { ...(facts.repository ? { repository: facts.repository } : {}) });
  const circle = learnFromCircleCi(root);
  const chartpress = learnFromChartpress(root);
  const builds = [...workflows.builds, ...circle.builds, ...chartpress.builds];
  const compose = learnFromCompose(root, workflows.composeRuns);
  const hasStage = (b: WorkflowBuild) => {
    const file = normalize(b.file ?? join(b.context ?? ".", "Dockerfile"));
    // Any file the workflow names, not only those called Dockerfile (docker/app.dockerfile).
    const stages = facts.dockerfiles.find((d) => d.path === file)?.stages ?? stagesOf(join(root, file));
    return stages !== undefined && (b.target === undefined || stages.includes(b.target));
  };
  const decision = decideImages(builds, hasStage);
  if (!decision.ok) throw new ConfigError(`charthouse init cannot decide: ${decision.reason}. Nothing was written.`);
  const stale = [...decision.left];
  const chosen = chooseRegistry(decision, workflows.logins, facts);
  const registry = "value" in chosen ? { value: chosen.value, source: chosen.source } : undefined;
  const registryTodo = "todo" in chosen ? chosen.todo : undefined;
  const argNotes: string[] = [];
  const images = decision.images.length
    ? decision.images.map((i) => withBuildArgs(root, i, argNotes))
    : builds.length
      ? []
      : undefined;

  const tested = compose.tested;
  // The image a compose build makes, when the workflows publish it: the same Dockerfile and target.
  const publishedAs = (build: ComposeBuild) =>
    images?.find((i) =>
      sameBuild(build, {
        context: i.context ?? ".",
        ...(i.dockerfile ? { dockerfile: i.dockerfile } : {}),
        ...(i.target ? { target: i.target } : {}),
        args: {},
      }),
    ) ?? (build.target !== undefined ? images?.find((i) => i.target === build.target) : undefined);
  const testImage =
    tested && images
      ? ((tested.build ? publishedAs(tested.build) : undefined)?.name ??
        images.find((i) => registry && tested.image === `${registry.value}/${i.repository}`)?.name)
      : undefined;
  if (tested && images && !testImage)
    stale.push(
      `${at(tested.from)}: service ${tested.service} ` +
        `${tested.build ? `builds ${describeBuild(tested.build)}` : `runs ${tested.image ?? "an image"}`}, which no ` +
        "published image is; the test gate names it as a TODO",
    );

  // A service built from this repository runs the published image of its build, or is built for the gate only.
  const services = compose.services.flatMap((s) => {
    if (!s.built) return [s];
    const image = publishedAs(s.built);
    if (image) return [{ ...s, image: image.name, built: undefined }];
    // Built as compose builds it, when its Dockerfile is there and has the target: check would refuse it otherwise.
    const file = normalize(s.built.dockerfile ?? join(s.built.context, "Dockerfile"));
    const stages = stagesOf(join(root, file));
    if (stages && (s.built.target === undefined || stages.includes(s.built.target))) return [s];
    stale.push(
      `${at(s.from)}: service ${s.name} builds ${describeBuild(s.built)}, which ` +
        `${stages ? "is no stage of it" : "is not there"}; left out of the test gate`,
    );
    return [];
  });

  const charts = chartsToPublish(facts, workflows.charts).map(({ dir, releaser }) => {
    const learned = registry && images ? learnPins(root, dir, registry.value, images) : { pins: [], stale: [] };
    stale.push(...learned.stale);
    // chartpress says outright where each image is pinned.
    for (const pin of chartpress.pins.filter((p) => p.chartDir === dir)) {
      const image = registry && images?.find((i) => `${registry.value}/${i.repository}` === pin.repository);
      if (image && !learned.pins.some((p) => p.image === image.name))
        learned.pins.push({
          image: image.name,
          ...(pin.keys.repository ? { repository: pin.keys.repository } : {}),
          tag: pin.keys.tag,
          from: pin.from,
        });
    }
    return {
      dir,
      name: readChartIn(join(root, dir)).name ?? dir,
      ...(releaser ? { releaser } : {}),
      pins: learned.pins,
    };
  });
  const patterns = learnTagPatterns(
    facts.tags,
    charts.map((c) => c.name),
  );
  return {
    ...(registry ? { registry } : {}),
    ...(registryTodo ? { registryTodo } : {}),
    ...(images ? { images } : {}),
    compose: { ...compose, services },
    ...(testImage ? { testImage } : {}),
    charts,
    patterns,
    // A matrix runs one step many times: each reason once.
    stale: [...new Set(stale)],
    notes: [...workflows.unknown, ...chartpress.notes, ...argNotes, ...compose.notes, ...patterns.notes],
    supersedes: [...workflows.supersedes, ...circle.supersedes],
  };
}

/**
 * The registry: the namespace the workflows' tags share; else, when they log in to Docker Hub, a TODO (its namespace
 * is nowhere said); else the GitHub remote's ghcr.io, which is a guess when no workflow logs in there either.
 */
function chooseRegistry(
  decision: Extract<ImageDecision, { ok: true }>,
  logins: readonly WorkflowLogin[],
  facts: ProjectFacts,
): { value: string; source: string } | { todo: string } | { none: true } {
  if (decision.registry) return { value: decision.registry.value, source: at(decision.registry.from) };
  if (decision.registryTodo) return { todo: decision.registryTodo };
  const hub = logins.find((l) => l.host === "docker.io");
  if (hub)
    return {
      todo:
        `${at(hub.from)} logs in to Docker Hub, and no tag says the namespace: write docker.io/<namespace>` +
        (facts.registry ? ` (or ${facts.registry}, from the git remote)` : ""),
    };
  // A tag init cannot evaluate names the registry too, most often: the git remote's would be a guess against it.
  const unknown = decision.images.find((i) => i.repository.startsWith("TODO"));
  if (unknown)
    return {
      todo:
        `${unknown.from.map(at).join(", ")} pushes to a repository init cannot evaluate` +
        (facts.registry ? ` (the git remote suggests ${facts.registry})` : ""),
    };
  if (!facts.registry) return { none: true };
  const ghcr = logins.find((l) => l.host === "ghcr.io");
  return {
    value: facts.registry,
    source: ghcr ? `the git remote origin (${at(ghcr.from)} logs in to ghcr.io)` : "the git remote origin (a guess)",
  };
}

/** Charts: those a releaser publishes (from its chart directory), else every top-level chart found. */
function chartsToPublish(
  facts: ProjectFacts,
  released: readonly WorkflowChart[],
): { dir: string; releaser?: WorkflowChart }[] {
  const dirs = released.filter((c) => c.dir !== "");
  if (!dirs.length) return facts.charts.map((dir) => ({ dir }));
  const under = (dir: string, c: WorkflowChart) => dir === c.dir || dir.startsWith(`${c.dir.replace(/\/$/, "")}/`);
  return facts.charts
    .filter((dir) => dirs.some((c) => under(dir, c)))
    .map((dir) => ({ dir, releaser: dirs.find((c) => under(dir, c))! }));
}

export type { DecidedImage, LearnedPin, LearnedPatterns, ComposeFacts, Origin as LearnedOrigin };

/**
 * The build arguments to write: each the workflow passes with a value init can read; one it cannot read is a TODO when
 * the Dockerfile's FROM needs it (the build fails without it), else left out with a note.
 */
function withBuildArgs(root: string, image: DecidedImage, notes: string[]): DecidedImage {
  if (!image.buildArgs) return image;
  const file = normalize(image.dockerfile ?? join(image.context ?? ".", "Dockerfile"));
  let text = "";
  try {
    text = readFileSync(join(root, file), "utf8");
  } catch {
    // no Dockerfile to read: every unreadable argument is left out
  }
  const inFrom = (name: string) =>
    text.split("\n").some((l) => /^\s*FROM\s/i.test(l) && new RegExp(`\\$\\{?${name}\\b`).test(l));
  const args: Record<string, string> = {};
  for (const [name, value] of Object.entries(image.buildArgs)) {
    if (value !== undefined) args[name] = value;
    else if (inFrom(name))
      args[name] =
        `TODO: build argument ${name} (${image.from.map(at).join(", ")} passes a value init cannot evaluate; ` +
        `${file}'s FROM needs it)`;
    else notes.push(`${image.from.map(at).join(", ")}: build argument ${name} cannot be evaluated here; left out`);
  }
  return { ...image, buildArgs: args };
}

/** `target hyku-web of Dockerfile`, as a person reads a build. */
export function describeBuild(build: ComposeBuild): string {
  const file = build.dockerfile ?? normalize(join(build.context, "Dockerfile"));
  return build.target ? `target ${build.target} of ${file}` : file;
}

function stagesOf(path: string): string[] | undefined {
  try {
    return listStages(readFileSync(path, "utf8"));
  } catch {
    return undefined;
  }
}
