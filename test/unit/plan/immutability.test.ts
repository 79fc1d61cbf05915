import { describe, expect, it } from "vitest";
import { planSteps } from "../../../src/pipeline/index.js";
import { COMMIT, digestOf, OTHER_COMMIT, state } from "../../kit/builders.js";
import { mustPlan, mustRefuse, pushes } from "../../kit/plan-assertions.js";
import { joined } from "../../kit/regex.js";

const DASSIE = "ghcr.io/samvera/dassie";
const CHART = "ghcr.io/samvera/charts/hyrax";

describe("immutable names are never overwritten", () => {
  it("skips an image tag already published from this commit (an idempotent rerun)", () => {
    const plan = mustPlan({ kind: "nightly" }, state().tag(DASSIE, "nightly-20261124", { revision: COMMIT }).build());
    expect(plan.images[0]!.publication).toEqual({ action: "skip", digest: digestOf(`${DASSIE}:nightly-20261124`) });
  });

  it("pins the already-published digest into the chart", () => {
    const plan = mustPlan({ kind: "nightly" }, state().tag(DASSIE, "nightly-20261124", { revision: COMMIT }).build());
    expect(plan.charts[0]!.pins[0]!.digest).toBe(digestOf(`${DASSIE}:nightly-20261124`));
    expect(plan.charts[0]!.publication.action).toBe("push");
  });

  it("refuses, before anything is pushed, a tag published from another commit, naming both", () => {
    const reasons = mustRefuse({ kind: "release", tag: "v5.0.1" }, state().tag(DASSIE, "5.0.1").build());
    expect(reasons).toEqual([
      `${DASSIE}:5.0.1 is already published from commit ffffeee, and this run builds 1a2b3c4; immutable tags are ` +
        "never overwritten: release a new version (bump it) instead",
    ]);
  });

  it("tells a nightly from another commit to wait for the next day, not to bump a release version", () => {
    const reasons = mustRefuse(
      { kind: "nightly" },
      state().tag(DASSIE, "nightly-20261124", { revision: OTHER_COMMIT }).build(),
    );
    expect(reasons[0]).toMatch(
      joined(
        /nightly-20261124 is already published from commit ffffeee.*a nightly is one per day: let the next day's run /,
        /publish/,
      ),
    );
    expect(reasons[0]).not.toMatch(/bump/);
  });

  it("refuses a tag published without a revision", () => {
    const reasons = mustRefuse(
      { kind: "nightly" },
      state().tag(DASSIE, "nightly-20261124", { revision: undefined }).build(),
    );
    expect(reasons[0]).toMatch(/without a revision label, so charthouse cannot tell it came from 1a2b3c4/);
  });

  it("refuses a chart version published from another commit", () => {
    const reasons = mustRefuse(
      { kind: "release", tag: "v5.0.1" },
      state().tag(CHART, "3.7.4", { revision: OTHER_COMMIT }).build(),
    );
    expect(reasons).toEqual([
      `${CHART}:3.7.4 is already published from commit ffffeee, and this run builds 1a2b3c4; immutable tags are ` +
        "never overwritten: release a new version (bump it) instead",
    ]);
  });

  it("reports every refusal at once", () => {
    const reasons = mustRefuse(
      { kind: "release", tag: "v5.0.1" },
      state().tag(DASSIE, "5.0.1").tag(CHART, "3.7.4").build(),
    );
    expect(reasons).toHaveLength(2);
  });
});

describe("a rerun", () => {
  const rerunState = () =>
    state()
      .release(DASSIE, "5.0.1", ["5.0", "5", "latest"], { revision: COMMIT })
      .tag(CHART, "3.7.4", { revision: COMMIT })
      .build();

  it("against a registry holding every tag from this commit plans no push at all", () => {
    const plan = mustPlan({ kind: "release", tag: "v5.0.1" }, rerunState());
    expect(pushes(plan)).toEqual({ immutable: [], aliases: [] });
    expect(planSteps(plan)).toEqual([]);
  });

  it("of a nightly plans nothing either", () => {
    const s = state()
      .tag(DASSIE, "nightly-20261124", { revision: COMMIT })
      .tag(DASSIE, "nightly", { revision: COMMIT, digest: digestOf(`${DASSIE}:nightly-20261124`) })
      .tag(CHART, "3.7.4-nightly.20261124", { revision: COMMIT })
      .build();
    expect(planSteps(mustPlan({ kind: "nightly" }, s))).toEqual([]);
  });

  it("after a run that pushed but failed before moving aliases moves only the aliases", () => {
    const s = state()
      .release(DASSIE, "5.0.0", ["5.0", "5", "latest"])
      .tag(DASSIE, "5.0.1", { revision: COMMIT })
      .tag(CHART, "3.7.4", { revision: COMMIT })
      .build();
    const plan = mustPlan({ kind: "release", tag: "v5.0.1" }, s);
    expect(pushes(plan)).toEqual({ immutable: [], aliases: [`${DASSIE}:5.0`, `${DASSIE}:5`, `${DASSIE}:latest`] });
    expect(plan.aliases[0]!.expect).toBe(digestOf(`${DASSIE}:5.0.0`));
    expect(
      planSteps(plan)
        .map((s) => s.kind)
        .filter((k) => k !== "build" && k !== "smoke"),
    ).toContain("move-alias");
  });
});
