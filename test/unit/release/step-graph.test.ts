import { describe, expect, it } from "vitest";
import { planSteps, type Step } from "../../../src/pipeline/index.js";
import { stepGraph } from "../../../src/release/index.js";
import { config, image, state, stepLabel, threeImageProject } from "../../kit/builders.js";
import { mustPlan } from "../../kit/plan-assertions.js";

const cfg = threeImageProject();
const label = stepLabel;

describe("what each step waits for", () => {
  const steps = planSteps(mustPlan({ kind: "release", tag: "v5.0.1" }, state().build(), cfg));
  /** Each step with the steps it waits for, by label. */
  const graph = (traits: { sharedBuilds: boolean }) => {
    const after = stepGraph(steps, traits);
    return Object.fromEntries(steps.map((s, i) => [label(s), after[i]!.map((j) => label(steps[j]!))]));
  };

  it("only earlier steps: the walk cannot wait in a circle", () => {
    for (const traits of [{ sharedBuilds: true }, { sharedBuilds: false }])
      stepGraph(steps, traits).forEach((after, i) => expect(after.every((j) => j < i)).toBe(true));
  });

  it(
    "builds wait for nothing where the engine shares stages between builds in flight (BuildKit, Dagger); each smoke " +
      "test for its own build",
    () => {
      const g = graph({ sharedBuilds: true });
      expect([g["build:hyrax-base"], g["build:dassie"], g["build:dassie-worker"]]).toEqual([[], [], []]);
      expect(g["smoke:dassie"]).toEqual(["build:dassie"]);
      expect(g["smoke:dassie-worker"]).toEqual(["build:dassie-worker"]);
    },
  );

  it(
    "builds one at a time on an engine that does not (Docker's classic builder): a smoke test then goes beside the " +
      "next build",
    () => {
      const g = graph({ sharedBuilds: false });
      expect([g["build:hyrax-base"], g["build:dassie"], g["build:dassie-worker"]]).toEqual([
        [],
        ["build:hyrax-base"],
        ["build:dassie"],
      ]);
      expect(g["smoke:dassie"]).toEqual(["build:dassie"]);
    },
  );

  it("a build waits for the build before it, not for whatever step comes between", () => {
    const [buildA, smokeA, buildB] = [
      steps.find((s) => s.kind === "build")!,
      steps.find((s) => s.kind === "smoke")!,
      steps.filter((s) => s.kind === "build")[1]!,
    ];
    expect(stepGraph([buildA, smokeA, buildB], { sharedBuilds: false })).toEqual([[], [], [0]]);
  });

  it(
    "the suite waits for its image's build and smoke test, and the builds of the services it runs from this run, " +
      "not for the other images",
    () => {
      // cfg's solr service runs the dassie image of this run.
      expect(graph({ sharedBuilds: false })["test:dassie"]).toEqual(["build:dassie", "smoke:dassie"]);
      const own = config({
        ...cfg,
        test: {
          ...cfg.test!,
          services: [{ name: "worker", image: "dassie-worker", port: 3000, env: {}, readyTimeoutSeconds: 60 }],
        },
      });
      const ownSteps = planSteps(mustPlan({ kind: "release", tag: "v5.0.1" }, state().build(), own));
      const at = ownSteps.findIndex((s) => s.kind === "test");
      expect(stepGraph(ownSteps, { sharedBuilds: true })[at]!.map((j) => label(ownSteps[j]!))).toEqual([
        "build:dassie",
        "build:dassie-worker",
        "smoke:dassie",
      ]);
    },
  );

  it("a chart's gates follow each other and nothing of the images'", () => {
    const g = graph({ sharedBuilds: false });
    expect([g["chart-deps:hyrax"], g["lint:hyrax"], g["template:hyrax"]]).toEqual([
      [],
      ["chart-deps:hyrax"],
      ["lint:hyrax"],
    ]);
    expect(g["chart-deps:updater"]).toEqual([]);
  });

  it(
    "nothing is published before every gate passed; then each step waits for the one before, pushes and alias moves " +
      "side by side",
    () => {
      const g = graph({ sharedBuilds: true });
      const gates = steps.filter((s) => s.phase === "gate").map(label);
      expect(g["push-image:hyrax-base"]).toEqual(gates);
      expect(g["push-image:dassie-worker"]).toEqual(gates);
      const pushes = ["push-image:hyrax-base", "push-image:dassie", "push-image:dassie-worker"];
      expect(g["package-chart:hyrax"]).toEqual(pushes);
      expect(g["push-chart:hyrax"]).toEqual(["package-chart:hyrax"]);
      expect(g["package-chart:updater"]).toEqual(["push-chart:hyrax"]);
      expect(g["move-alias:hyrax-base:5.0"]).toEqual(["push-chart:updater"]);
      expect(g["move-alias:dassie-worker:latest"]).toEqual(["push-chart:updater"]);
    },
  );
});

describe("a multi-platform image's steps", () => {
  it("the suite waits for the smoke test of every platform", () => {
    const multi = config({
      images: [image("dassie", { platforms: ["linux/amd64", "linux/arm64"] })],
      test: { ...cfg.test!, services: [] },
    });
    const steps = planSteps(mustPlan({ kind: "nightly" }, state().build(), multi));
    const test = steps.findIndex((s) => s.kind === "test");
    const named = (s: Step) => `${label(s)}${s.kind === "smoke" ? ` ${s.platform}` : ""}`;
    expect(stepGraph(steps, { sharedBuilds: true })[test]!.map((j) => named(steps[j]!))).toEqual([
      "build:dassie",
      "smoke:dassie linux/amd64",
      "smoke:dassie linux/arm64",
    ]);
  });

  it("a smoke test listed after the suite is not waited for: nothing waits for a later step", () => {
    const multi = config({
      images: [image("dassie", { platforms: ["linux/amd64", "linux/arm64"] })],
      test: { ...cfg.test!, services: [] },
    });
    const planned = planSteps(mustPlan({ kind: "nightly" }, state().build(), multi));
    const late = planned.findLastIndex((s) => s.kind === "smoke");
    const steps = [...planned.slice(0, late), ...planned.slice(late + 1)];
    steps.splice(steps.findIndex((s) => s.kind === "test") + 1, 0, planned[late]!);
    const test = steps.findIndex((s) => s.kind === "test");
    const after = stepGraph(steps, { sharedBuilds: true });
    expect(after[test]!.map((j) => label(steps[j]!))).toEqual(["build:dassie", "smoke:dassie"]);
    after.forEach((waits, i) => expect(waits.every((j) => j < i)).toBe(true));
  });
});
