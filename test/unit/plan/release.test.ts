import { describe, expect, it } from "vitest";
import { releaseAliases } from "../../../src/plan/index.js";
import { config, chart, image, state } from "../../kit/builders.js";
import { mustPlan, mustRefuse, pushes } from "../../kit/plan-assertions.js";

const DASSIE = "ghcr.io/samvera/dassie";
const HYRAX_CHART = "ghcr.io/samvera/charts/hyrax";
const tag = (t: string) => ({ kind: "release", tag: t }) as const;

describe("release: which aliases move", () => {
  it.each([
    { name: "first release ever", published: [], version: "5.0.1", aliases: ["5.0", "5", "latest"] },
    { name: "highest overall", published: ["5.0.0"], version: "5.0.1", aliases: ["5.0", "5", "latest"] },
    { name: "patch of an older minor line", published: ["5.0.0", "5.1.0"], version: "5.0.1", aliases: ["5.0"] },
    {
      name: "patch of an older major line keeps X",
      published: ["4.9.0", "5.1.0"],
      version: "4.9.1",
      aliases: ["4.9", "4"],
    },
    { name: "older than its own minor line's highest", published: ["5.0.2", "5.1.0"], version: "5.0.1", aliases: [] },
    { name: "a prerelease gets only its own tag", published: ["5.0.0"], version: "5.1.0-rc.1", aliases: [] },
    {
      name: "prereleases and nightlies in the registry do not count",
      published: ["5.0.0", "5.2.0-rc.1", "nightly-20261124", "nightly", "latest"],
      version: "5.1.0",
      aliases: ["5.1", "5", "latest"],
    },
    {
      name: "a rerun of the highest still owns its aliases",
      published: ["5.0.1"],
      version: "5.0.1",
      aliases: ["5.0", "5", "latest"],
    },
  ])("$name", ({ published, version, aliases }) => {
    expect(releaseAliases(version, published)).toEqual(aliases);
  });
});

describe("release runs", () => {
  it("--tag v5.0.1 with 5.1.0 the highest publishes 5.0.1 and 5.0, neither 5 nor latest", () => {
    const plan = mustPlan(
      tag("v5.0.1"),
      state().release(DASSIE, "5.0.0", ["5.0"]).release(DASSIE, "5.1.0", ["5.1", "5", "latest"]).build(),
    );
    expect(pushes(plan).immutable).toContain(`${DASSIE}:5.0.1`);
    expect(pushes(plan).aliases).toEqual([`${DASSIE}:5.0`]);
  });

  it("--tag v5.0.1 with 5.0.0 the highest publishes 5.0.1, 5.0, 5 and latest", () => {
    const plan = mustPlan(tag("v5.0.1"), state().release(DASSIE, "5.0.0", ["5.0", "5", "latest"]).build());
    expect(pushes(plan).aliases).toEqual([`${DASSIE}:5.0`, `${DASSIE}:5`, `${DASSIE}:latest`]);
    expect(plan.aliases.every((a) => a.from === "5.0.1" && a.rank.scheme === "semver")).toBe(true);
  });

  it("--tag v5.1.0-rc.1 publishes only 5.1.0-rc.1, and its chart as a prerelease", () => {
    const plan = mustPlan(tag("v5.1.0-rc.1"), state().release(DASSIE, "5.0.0", ["latest"]).build());
    expect(pushes(plan).immutable).toEqual([`${DASSIE}:5.1.0-rc.1`, `${HYRAX_CHART}:3.7.4-rc.1`]);
    expect(plan.aliases).toEqual([]);
  });

  it("decides aliases per repository: a new image's first release gets them all", () => {
    const cfg = config({ images: [image("dassie"), image("hyrax-web")] });
    const plan = mustPlan(tag("v5.0.1"), state().release(DASSIE, "5.1.0", ["latest"]).build(), cfg);
    expect(pushes(plan).aliases).toEqual([
      `${DASSIE}:5.0`,
      "ghcr.io/samvera/hyrax-web:5.0",
      "ghcr.io/samvera/hyrax-web:5",
      "ghcr.io/samvera/hyrax-web:latest",
    ]);
  });

  it("publishes the chart at Chart.yaml's version with appVersion the release", () => {
    const plan = mustPlan(tag("v5.0.1"), state().release(HYRAX_CHART, "3.7.3").build());
    expect(plan.charts[0]).toMatchObject({ version: "3.7.4", appVersion: "5.0.1", publication: { action: "push" } });
    expect(plan.charts[0]!.pins[0]).toMatchObject({ tag: "5.0.1", repository: DASSIE });
  });

  it("publishes a chart version lower than the highest published: a backport's chart is new, not the highest", () => {
    const plan = mustPlan(tag("v5.0.1"), state().release(HYRAX_CHART, "3.8.0").build());
    expect(plan.charts.map((c) => [c.version, c.publication.action])).toEqual([["3.7.4", "push"]]);
  });

  it("reads the release version from a custom pattern", () => {
    const cfg = config({
      policy: { releaseTag: "release-{version}", chartReleaseTag: "charts/{chart}/{version}", defaultBranch: "main" },
    });
    expect(mustPlan(tag("release-5.0.1"), state().build(), cfg).images[0]!.tag).toBe("5.0.1");
    expect(mustPlan(tag("charts/hyrax/3.7.4"), state().build(), cfg).summary).toBe("chart release hyrax 3.7.4");
  });

  it("reads Hyrax's own tags: hyrax-v{version} releases, hyrax-chart-{version} its one chart", () => {
    const cfg = config({
      policy: { releaseTag: "hyrax-v{version}", chartReleaseTag: "hyrax-chart-{version}", defaultBranch: "main" },
    });
    expect(mustPlan(tag("hyrax-v5.4.0"), state().build(), cfg).summary).toBe("release 5.4.0");
    expect(mustPlan(tag("hyrax-chart-3.7.4"), state().build(), cfg).summary).toBe("chart release hyrax 3.7.4");
  });

  it("reads 5.1.0-rc.1 as a release under {version} beside {chart}-{version}: no chart 5.1.0 releases rc.1", () => {
    const cfg = config({
      policy: { releaseTag: "{version}", chartReleaseTag: "{chart}-{version}", defaultBranch: "main" },
    });
    expect(mustPlan(tag("5.1.0-rc.1"), state().build(), cfg).summary).toBe("release 5.1.0-rc.1");
    expect(mustPlan(tag("hyrax-3.7.4"), state().build(), cfg).summary).toBe("chart release hyrax 3.7.4");
  });

  it("refuses a chart tag without {chart} when several charts could be meant", () => {
    const cfg = config({
      charts: [chart("hyrax", "3.7.4"), chart("other", "1.0.0")],
      policy: { releaseTag: "v{version}", chartReleaseTag: "helm-{version}", defaultBranch: "main" },
    });
    expect(mustRefuse(tag("helm-1.0.0"), state().build(), cfg)).toEqual([
      'tag helm-1.0.0 is a chart release by "helm-{version}", but charthouse.yaml declares several charts and the ' +
        "pattern names none: put {chart} in it",
    ]);
  });
});

describe("release tags that are refused", () => {
  it.each([
    {
      name: "build metadata",
      tag: "v1.2.3+build.4",
      reason:
        /build metadata, which OCI tags cannot hold \(helm would publish it as 1\.2\.3_build\.4.*without the \+… part/,
    },
    { name: "not semver", tag: "v5.0", reason: /"5\.0" is not a semantic version/ },
    {
      name: "matches no pattern",
      tag: "5.0.1",
      reason: /matches neither the release pattern "v\{version\}" nor the chart release pattern.*v1\.2\.3/,
    },
    {
      name: "chart release of an undeclared chart",
      tag: "solr-chart-v1.0.0",
      reason: /releases chart "solr", which charthouse.yaml does not declare \(charts: hyrax\)/,
    },
  ])("$name", ({ tag: t, reason }) => {
    const reasons = mustRefuse(tag(t));
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(reason);
  });
});

describe("chart-only release", () => {
  const cfg = config({
    charts: [chart("hyrax", "3.7.5", { pins: [{ image: "dassie", tag: "image.tag" }] }), chart("other", "1.0.0")],
  });

  it("publishes only that chart at that version, builds and pins no image", () => {
    const plan = mustPlan(tag("hyrax-chart-v3.7.5"), state().release(HYRAX_CHART, "3.7.4").build(), cfg);
    expect(plan.images).toEqual([]);
    expect(plan.test).toBeUndefined();
    expect(plan.charts.map((c) => [c.name, c.version, c.appVersion, c.publication.action])).toEqual([
      ["hyrax", "3.7.5", "5.0.0", "push"],
    ]);
    expect(plan.charts[0]!.pins).toEqual([]);
    expect(plan.aliases).toEqual([]);
  });

  it("refuses when Chart.yaml's version differs from the tag's", () => {
    expect(mustRefuse(tag("hyrax-chart-v3.7.6"), state().build(), cfg)).toEqual([
      "tag releases chart hyrax 3.7.6, but chart/hyrax/Chart.yaml says version 3.7.5; set version: 3.7.6 there, " +
        "commit, and tag again",
    ]);
  });

  it("publishes a version below the highest published (a chart of an older line)", () => {
    expect(
      pushes(mustPlan(tag("hyrax-chart-v3.7.5"), state().release(HYRAX_CHART, "3.9.0").build(), cfg)).immutable,
    ).toEqual([`${HYRAX_CHART}:3.7.5`]);
  });

  it("refuses a Chart.yaml version with build metadata", () => {
    const meta = config({ charts: [chart("hyrax", "3.7.5+build.1")] });
    // The tag names exactly what Chart.yaml says, so nothing but the build metadata is refused.
    const reasons = mustRefuse(tag("hyrax-chart-v3.7.5+build.1"), state().build(), meta);
    expect(reasons).toEqual([
      "tag hyrax-chart-v3.7.5+build.1: version 3.7.5+build.1 has build metadata, which OCI tags cannot hold (helm " +
        "would publish it as 3.7.5_build.1, which other tools misread); tag the release without the +… part",
    ]);
    // A release tag whose chart carries build metadata: the chart is refused, with the file to fix.
    expect(mustRefuse(tag("v5.0.1"), state().build(), meta)).toEqual([
      "chart hyrax 3.7.5+build.1 has build metadata, which OCI tags cannot hold; set version in " +
        "chart/hyrax/Chart.yaml without the +… part",
    ]);
  });
});
