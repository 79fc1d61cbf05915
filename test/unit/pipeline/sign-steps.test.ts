import { describe, expect, it } from "vitest";
import { commandSteps, describeStep, planSteps, type Step } from "../../../src/pipeline/index.js";
import { stepGraph } from "../../../src/release/index.js";
import { chart, COMMIT, config, image, state, stepLabel } from "../../kit/builders.js";
import { mustPlan } from "../../kit/plan-assertions.js";

const cfg = config({
  images: [image("hyrax-base", { smoke: undefined }), image("dassie")],
  charts: [chart("hyrax", "3.7.4", { pins: [{ image: "dassie", tag: "image.tag" }] })],
});
const label = stepLabel;
const publishing = (steps: readonly Step[]) => steps.filter((s) => s.phase !== "gate").map(label);

describe("signing as steps of its own", () => {
  it("with a key: every pushed image and chart is signed after every push and before any alias moves", () => {
    const steps = commandSteps("publish", mustPlan({ kind: "release", tag: "v5.0.1" }, state().build(), cfg), {
      sign: true,
    });
    expect(publishing(steps)).toEqual([
      "push-image:hyrax-base",
      "push-image:dassie",
      "package-chart:hyrax",
      "push-chart:hyrax",
      "sign-image:hyrax-base",
      "sign-image:dassie",
      "sign-chart:hyrax",
      "move-alias:hyrax-base:5.0",
      "move-alias:hyrax-base:5",
      "move-alias:hyrax-base:latest",
      "move-alias:dassie:5.0",
      "move-alias:dassie:5",
      "move-alias:dassie:latest",
    ]);
    expect(
      steps.filter((s) => s.phase === "sign").every((s) => s.kind === "sign-image" || s.kind === "sign-chart"),
    ).toBe(true);
  });

  it("without a key: no signing step (the plan is the same as before signing existed)", () => {
    const plan = mustPlan({ kind: "nightly" }, state().build(), cfg);
    expect(commandSteps("publish", plan).some((s) => s.phase === "sign")).toBe(false);
    expect(planSteps(plan)).toEqual(commandSteps("publish", plan));
  });

  it(
    "what is there already from this commit is signed too (an earlier run may have failed while signing); the " +
      "signing step finds what is signed",
    () => {
      // The images are published from this commit, the aliases not yet moved: a rerun after a signing failure.
      const there = state()
        .tag("ghcr.io/samvera/hyrax-base", "5.0.1", { revision: COMMIT })
        .tag("ghcr.io/samvera/dassie", "5.0.1", { revision: COMMIT })
        .tag("ghcr.io/samvera/charts/hyrax", "3.7.4", { revision: COMMIT });
      const steps = commandSteps("publish", mustPlan({ kind: "release", tag: "v5.0.1" }, there.build(), cfg), {
        sign: true,
      });
      expect(publishing(steps).filter((s) => !s.startsWith("move-alias"))).toEqual([
        "sign-image:hyrax-base",
        "sign-image:dassie",
        "sign-chart:hyrax",
      ]);
    },
  );

  it("a pull request, which publishes nothing, signs nothing", () => {
    const steps = commandSteps("publish", mustPlan({ kind: "pull-request", number: 7 }, state().build(), cfg), {
      sign: true,
    });
    expect(steps.some((s) => s.phase !== "gate")).toBe(false);
  });

  it("only publish signs: test, lint and package never do", () => {
    const plan = mustPlan({ kind: "nightly" }, state().build(), cfg);
    for (const command of ["build", "test", "lint", "package"] as const)
      expect(commandSteps(command, plan, { sign: true }).some((s) => s.phase === "sign")).toBe(false);
  });

  it("describes each signing step in one line", () => {
    const steps = commandSteps("publish", mustPlan({ kind: "nightly" }, state().build(), cfg), { sign: true });
    const lines = steps.filter((s) => s.phase === "sign").map(describeStep);
    expect(lines).toEqual([
      "sign and attest ghcr.io/samvera/hyrax-base:nightly-20261124",
      "sign and attest ghcr.io/samvera/dassie:nightly-20261124",
      "sign and attest ghcr.io/samvera/charts/hyrax:3.7.4-nightly.20261124",
    ]);
  });

  it(
    "the signing steps wait for every push; the image signatures go side by side; the first alias waits for the " +
      "last signature",
    () => {
      const steps = commandSteps("publish", mustPlan({ kind: "release", tag: "v5.0.1" }, state().build(), cfg), {
        sign: true,
      });
      const after = stepGraph(steps, { sharedBuilds: true });
      const g = Object.fromEntries(steps.map((s, i) => [label(s), after[i]!.map((j) => label(steps[j]!))]));
      expect(g["sign-image:hyrax-base"]).toEqual(["push-chart:hyrax"]);
      expect(g["sign-image:dassie"]).toEqual(["push-chart:hyrax"]);
      expect(g["sign-chart:hyrax"]).toEqual(["sign-image:hyrax-base", "sign-image:dassie"]);
      expect(g["move-alias:hyrax-base:5.0"]).toEqual(["sign-chart:hyrax"]);
    },
  );
});
