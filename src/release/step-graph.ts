import type { Step } from "../pipeline/index.js";
import type { EngineTraits } from "./engine.js";

/** Steps that touch nothing of each other's: consecutive ones of a kind in the publishing phases go at once. */
const CONCURRENT: ReadonlySet<Step["kind"]> = new Set(["push-image", "move-alias"]);

/**
 * For each step (by index), the earlier steps it waits for; a step starts once they have
 * all passed. The gates wait only for what they use, so independent work overlaps:
 * each smoke test follows its own build (beside the next one), the suite follows its
 * image's build and smoke test (and the builds of any service it runs from this run),
 * a chart's lint and template follow its staging and share nothing with the images.
 * Builds wait for the previous build when the engine shares no stages between builds
 * in flight (EngineTraits.sharedBuilds), else for nothing. Nothing is published before
 * every gate passed: the first publishing step waits for all of them, and from there
 * each step waits for the one before, consecutive pushes (and alias moves) side by side.
 */
export function stepGraph(steps: readonly Step[], traits: EngineTraits): number[][] {
  const earlier = (i: number, match: (s: Step) => boolean): number => steps.findLastIndex((s, j) => j < i && match(s));
  const present = (...indices: number[]): number[] => indices.filter((j) => j >= 0);
  const buildOf = (i: number, name: string) => earlier(i, (s) => s.kind === "build" && s.image.name === name);
  const gates = steps.flatMap((s, i) => (s.phase === "gate" ? [i] : []));
  const after: number[][] = [];
  steps.forEach((step, i) => {
    switch (step.kind) {
      case "build":
        after.push(traits.sharedBuilds ? [] : present(earlier(i, (s) => s.kind === "build")));
        return;
      case "smoke":
        after.push(present(buildOf(i, step.image.name)));
        return;
      case "test": {
        const own = new Set(step.test.services.map((service) => service.image));
        const serviceBuilds = steps.flatMap((s, j) => (j < i && s.kind === "build" && own.has(`${s.image.repository}:${s.image.tag}`) ? [j] : []));
        const smoke = earlier(i, (s) => s.kind === "smoke" && s.image.name === step.image.name);
        after.push([...new Set(present(buildOf(i, step.image.name), smoke, ...serviceBuilds))].sort((a, b) => a - b));
        return;
      }
      case "chart-deps":
      case "lint":
      case "template":
        after.push(present(earlier(i, (s) => s.phase === "gate" && "chart" in s && s.chart.name === step.chart.name)));
        return;
      default: {
        const previous = steps[i - 1];
        if (previous === undefined || previous.phase === "gate") after.push(gates.filter((j) => j < i));
        else if (previous.kind === step.kind && CONCURRENT.has(step.kind)) after.push(after[i - 1]!);
        else after.push(steps.flatMap((s, j) => (j < i && j >= groupStart(steps, i - 1) ? [j] : [])));
      }
    }
  });
  return after;
}

/** Where the run of side-by-side steps holding step `i` begins. */
function groupStart(steps: readonly Step[], i: number): number {
  let start = i;
  while (start > 0 && CONCURRENT.has(steps[i]!.kind) && steps[start - 1]!.kind === steps[i]!.kind) start--;
  return start;
}
