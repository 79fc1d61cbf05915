import type { Step } from "../pipeline/index.js";
import type { ImagePlan } from "../plan/types.js";
import type { EngineTraits } from "./engine.js";

/** Steps that touch nothing of each other's: consecutive ones of a kind in the publishing phases go at once. */
const CONCURRENT: ReadonlySet<Step["kind"]> = new Set(["push-image", "sign-image", "move-alias"]);

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
  const buildOf = (i: number, matches: (image: ImagePlan) => boolean) =>
    earlier(i, (s) => s.kind === "build" && matches(s.image));
  const after: number[][] = [];
  let group: number[] = []; // the publishing steps that go together, the latest run of them
  steps.forEach((step, i) => {
    switch (step.kind) {
      case "build":
        after.push(traits.sharedBuilds ? [] : present(earlier(i, (s) => s.kind === "build")));
        return;
      case "smoke":
        after.push(present(buildOf(i, (image) => image.name === step.image.name)));
        return;
      case "test": {
        // Every platform's smoke test: the suite runs on one, but a variant failing its smoke test fails the image.
        const smokes = steps.flatMap((s, j) =>
          j < i && s.kind === "smoke" && s.image.name === step.image.name ? [j] : [],
        );
        const services = step.test.services.map((service) =>
          buildOf(i, (image) => `${image.repository}:${image.tag}` === service.image),
        );
        after.push(
          [
            ...new Set(
              present(
                buildOf(i, (image) => image.name === step.image.name),
                ...smokes,
                ...services,
              ),
            ),
          ].sort((a, b) => a - b),
        );
        return;
      }
      case "chart-deps":
      case "lint":
      case "template":
        after.push(present(earlier(i, (s) => "chart" in s && s.chart.name === step.chart.name)));
        return;
      default: {
        const previous = steps[i - 1];
        if (previous?.kind === step.kind && CONCURRENT.has(step.kind)) {
          after.push(after[i - 1]!);
          group.push(i);
        } else {
          after.push(
            previous === undefined || previous.phase === "gate" ? Array.from({ length: i }, (_, j) => j) : [...group],
          );
          group = [i];
        }
      }
    }
  });
  return after;
}
