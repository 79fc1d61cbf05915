import { describe, expect, it } from "vitest";
import { planRelease } from "../../../src/plan/index.js";
import { chart, config, context, state } from "../../kit/builders.js";
import { mustPlan, mustRefuse, pushes } from "../../kit/plan-assertions.js";

const DASSIE = "ghcr.io/samvera/dassie";
const HYRAX_CHART = "ghcr.io/samvera/charts/hyrax";
const tag = (t: string) => ({ kind: "release", tag: t }) as const;
const nightly = { kind: "nightly" } as const;
const mainPush = { kind: "push", branch: "main" } as const;

describe("a prerelease never publishes a release-version chart", () => {
  it("v5.0.0-rc.1 publishes the chart as a prerelease of Chart.yaml's version, with the tag's prerelease part", () => {
    const plan = mustPlan(tag("v5.0.0-rc.1"));
    expect(plan.charts.map((c) => [c.version, c.appVersion, c.publication.action])).toEqual([
      ["3.7.4-rc.1", "5.0.0-rc.1", "push"],
    ]);
    expect(pushes(plan).immutable).toEqual([`${DASSIE}:5.0.0-rc.1`, `${HYRAX_CHART}:3.7.4-rc.1`]);
  });

  it("the real v5.0.0, from the release commit after the candidate's, then publishes chart 3.7.4, not refused", () => {
    // What the candidate's run (from OTHER_COMMIT) left in the registry.
    const rc = mustPlan(tag("v5.0.0-rc.1"));
    const after = state();
    for (const ref of pushes(rc).immutable)
      after.tag(ref.slice(0, ref.lastIndexOf(":")), ref.slice(ref.lastIndexOf(":") + 1));
    const plan = mustPlan(tag("v5.0.0"), after.build());
    expect(plan.charts.map((c) => [c.version, c.publication.action])).toEqual([["3.7.4", "push"]]);
  });

  it("a Chart.yaml that is itself a prerelease keeps its own prerelease part", () => {
    const cfg = config({ charts: [chart("hyrax", "3.8.0-beta.2")] });
    expect(mustPlan(tag("v5.0.0-rc.1"), undefined, cfg).charts[0]!.version).toBe("3.8.0-beta.2");
  });
});

describe("aliases never go backwards, even as planned", () => {
  it("an older nightly (--date 2026-11-20) leaves `nightly` where the 2026-11-24 one put it", () => {
    const now = state()
      .tag(DASSIE, "nightly-20261124", { version: "nightly-20261124" })
      .tag(DASSIE, "nightly", { version: "nightly-20261124" })
      .build();
    const result = planRelease({ config: config(), context: context(nightly, { date: "2026-11-20" }), state: now });
    if (!result.ok) expect.fail(result.refusals.join());
    expect(pushes(result.plan).immutable).toContain(`${DASSIE}:nightly-20261120`);
    expect(pushes(result.plan).aliases).toEqual([]);
  });

  it("a newer nightly moves it", () => {
    const older = state().tag(DASSIE, "nightly", { version: "nightly-20261120" }).build();
    expect(pushes(mustPlan(nightly, older)).aliases).toEqual([`${DASSIE}:nightly`]);
  });

  it("a push of an older commit to main leaves `main` at the newer commit", () => {
    const newer = state().tag(DASSIE, "main", { created: "2026-11-24T09:00:00Z" }).build();
    expect(pushes(mustPlan(mainPush, newer)).aliases).toEqual([]);
    const older = state().tag(DASSIE, "main", { created: "2026-11-20T09:00:00Z" }).build();
    expect(pushes(mustPlan(mainPush, older)).aliases).toEqual([`${DASSIE}:main`]);
  });
});

describe("backports: a chart release version must be new, not the highest", () => {
  it(
    "v5.0.1 from the 5.0 branch with its chart at 3.7.5 publishes after 5.1.0 published chart 3.8.0; latest and 5 " +
      "stay",
    () => {
      const after510 = state()
        .release(DASSIE, "5.1.0", ["5.1", "5", "latest"])
        .release(DASSIE, "5.0.0", ["5.0"])
        .release(HYRAX_CHART, "3.8.0")
        .release(HYRAX_CHART, "3.7.4")
        .build();
      const cfg = config({ charts: [chart("hyrax", "3.7.5", { pins: [{ image: "dassie", tag: "image.tag" }] })] });
      const plan = mustPlan(tag("v5.0.1"), after510, cfg);
      expect(pushes(plan).immutable).toEqual([`${DASSIE}:5.0.1`, `${HYRAX_CHART}:3.7.5`]);
      expect(pushes(plan).aliases).toEqual([`${DASSIE}:5.0`]);
    },
  );

  it("a chart version already published from another commit is still refused", () => {
    expect(mustRefuse(tag("v5.0.1"), state().release(HYRAX_CHART, "3.7.4").build())[0]).toMatch(
      /charts\/hyrax:3\.7\.4 is already published from commit ffffeee/,
    );
  });
});

describe("a CI event the policy does not name", () => {
  it("plans the gates only, and says why", () => {
    const plan = mustPlan({ kind: "other", name: "issue_comment" });
    expect(pushes(plan)).toEqual({ immutable: [], aliases: [] });
    expect(plan.summary).toBe(
      "CI event issue_comment (gates only: only a schedule, a pushed tag and a push to the default branch publish)",
    );
  });
});
