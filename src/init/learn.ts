import { readFileSync } from "node:fs";
import { join, normalize } from "node:path";
import { listStages } from "../config/dockerfile.js";
import { ConfigError } from "../errors.js";
import { decideImages, type DecidedImage } from "./decide-images.js";
import type { ProjectFacts } from "./detect-project.js";
import { learnFromCircleCi } from "./learn-circleci.js";
import { learnFromCompose, type ComposeFacts } from "./learn-compose.js";
import { learnPins, type LearnedPin } from "./learn-pins.js";
import { learnTagPatterns, type LearnedPatterns } from "./learn-tags.js";
import { learnFromWorkflows, type WorkflowBuild, type WorkflowChart } from "./learn-workflows.js";
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
  const builds = [...workflows.builds, ...circle.builds];
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
  const registry = decision.registry
    ? { value: decision.registry.value, source: at(decision.registry.from) }
    : facts.registry
      ? { value: facts.registry, source: "the git remote origin" }
      : undefined;
  const images = decision.images.length ? decision.images : builds.length ? [] : undefined;

  const tested = compose.tested;
  const testImage =
    tested && images
      ? images.find(
          (i) =>
            (tested.target !== undefined && i.target === tested.target) ||
            (registry && tested.image === `${registry.value}/${i.repository}`),
        )?.name
      : undefined;
  if (tested && images && !testImage)
    stale.push(
      `${at(tested.from)}: service ${tested.service} ` +
        `${tested.target ? `builds target ${tested.target}` : `runs ${tested.image ?? "an image"}`}, which no ` +
        "published image is; no test gate written",
    );

  // A service built from this repository runs the published image of its target, or is left out.
  const services = compose.services.flatMap((s) => {
    if (!s.built) return [s];
    const image = images?.find((i) => i.target === s.built!.target);
    if (image) return [{ ...s, image: image.name }];
    stale.push(
      `${at(s.from)}: service ${s.name} builds target ${s.built.target ?? "(none)"}, which no published image is; ` +
        "left out of the test gate",
    );
    return [];
  });

  const charts = chartsToPublish(facts, workflows.charts).map(({ dir, releaser }) => {
    const learned = registry && images ? learnPins(root, dir, registry.value, images) : { pins: [], stale: [] };
    stale.push(...learned.stale);
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
    ...(images ? { images } : {}),
    compose: { ...compose, services },
    ...(testImage ? { testImage } : {}),
    charts,
    patterns,
    stale,
    notes: [...workflows.unknown, ...compose.notes, ...patterns.notes],
    supersedes: [...workflows.supersedes, ...circle.supersedes],
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

function stagesOf(path: string): string[] | undefined {
  try {
    return listStages(readFileSync(path, "utf8"));
  } catch {
    return undefined;
  }
}
