import { describe, expect, it } from "vitest";
import {
  aliasForBranch,
  highest,
  releaseAliases,
  versionToTag,
  circleTagFilters,
  githubTagGlobs,
  isNightlyPrerelease,
  isSemver,
  nightlyStampOf,
  tagPatternExample,
  tagToVersion,
} from "../../../src/plan/formats.js";
import { planSteps, publishesAnything } from "../../../src/pipeline/index.js";
import type { Plan } from "../../../src/plan/index.js";

// The formats other tools read back (CI tag filters, nightly tags): an anchor lost or a
// character class widened here publishes on tags nobody meant, or misses a release.

const patterns = { releaseTag: "v{version}", chartReleaseTag: "{chart}-chart-v{version}" };

/** CircleCI's reading of a list of tag filters: a tag runs when any of them matches. */
function anyOf(filters: string[]): { test: (tag: string) => boolean } {
  const regexes = filters.map((filter) => new RegExp(filter.slice(1, -1)));
  return { test: (tag) => regexes.some((regex) => regex.test(tag)) };
}

describe("CI tag filters match exactly the release tags", () => {
  const circle = anyOf(circleTagFilters(patterns));

  it.each(["v1.2.3", "v5.0.0-rc.1", "hyrax-chart-v1.2.3", "my.chart-chart-v0.1.0", "a_b-chart-v2.0.0-beta"])(
    "CircleCI runs on %s",
    (tag) => {
      expect(circle.test(tag)).toBe(true);
    },
  );

  it.each([
    "xv1.2.3",
    "v1.2.3 ",
    "v1x2.3",
    "v1.2",
    "release-v1.2.3",
    "Hyrax-chart-v1.2.3",
    "-chart-v1.2.3",
    "hyrax-chart-v1.2.3.4x",
    "hyrax-chartxv1.2.3",
  ])("CircleCI does not run on %s", (tag) => {
    expect(circle.test(tag)).toBe(false);
  });

  it("are CircleCI regex literals: one anchored /…/ per pattern", () => {
    const filters = circleTagFilters(patterns);
    expect(filters).toHaveLength(2);
    expect(filters[0]!.startsWith("/^v")).toBe(true);
    expect(filters[1]!.startsWith("/^[a-z0-9]")).toBe(true);
    for (const filter of filters) {
      expect(filter.startsWith("/^")).toBe(true);
      expect(filter.endsWith("$/")).toBe(true);
      expect(filter.split("|^")).toHaveLength(1);
    }
  });

  it("GitHub globs name both patterns with the version shape", () => {
    expect(githubTagGlobs(patterns)).toEqual(["v[0-9]+.[0-9]+.[0-9]+*", "*-chart-v[0-9]+.[0-9]+.[0-9]+*"]);
  });

  it("Hyrax's patterns: its release and chart tags fire, the older shapes do not", () => {
    const hyrax = { releaseTag: "hyrax-v{version}", chartReleaseTag: "hyrax-chart-{version}" };
    expect(githubTagGlobs(hyrax)).toEqual(["hyrax-v[0-9]+.[0-9]+.[0-9]+*", "hyrax-chart-[0-9]+.[0-9]+.[0-9]+*"]);
    const filter = anyOf(circleTagFilters(hyrax));
    expect(["hyrax-v5.4.0", "hyrax-v5.4.0-rc.1", "hyrax-chart-3.7.5"].filter((t) => filter.test(t))).toHaveLength(3);
    expect(
      ["v5.0.5", "v.5.0.4", "hyrax-3.7.1", "hyrax-chart-v3.7.5", "other-chart-3.7.5"].filter((t) => filter.test(t)),
    ).toEqual([]);
  });

  it("examples show the pattern's shape", () => {
    expect(tagPatternExample("{chart}-chart-v{version}")).toBe("mychart-chart-v1.2.3");
    expect(tagPatternExample("release-{version}")).toBe("release-1.2.3");
  });
});

describe("tags and versions read back", () => {
  it("a nightly tag is exactly nightly-YYYYMMDD", () => {
    expect(nightlyStampOf("nightly-20261124")).toBe("20261124");
    expect(nightlyStampOf("nightly-20261124-old")).toBeUndefined();
    expect(nightlyStampOf("old-nightly-20261124")).toBeUndefined();
    expect(nightlyStampOf(undefined)).toBeUndefined();
  });

  it("a nightly prerelease is exactly nightly.YYYYMMDD", () => {
    expect(isNightlyPrerelease(["nightly", 20261124])).toBe(true);
    expect(isNightlyPrerelease(["nightly", 20261124, "x"])).toBe(false);
    expect(isNightlyPrerelease(["pre", "nightly", 20261124])).toBe(false);
    expect(isNightlyPrerelease(null)).toBe(false);
  });

  it("semver as written: a leading v, spaces or a leading letter are not versions", () => {
    expect(isSemver("1.2.3")).toBe(true);
    expect(isSemver("v1.2.3")).toBe(false);
    expect(isSemver(" 1.2.3")).toBe(false);
    expect(isSemver("1.2.3 ")).toBe(false);
    expect(isSemver("=1.2.3")).toBe(false);
    expect(tagToVersion("1.2.3_build.4")).toBe("1.2.3+build.4");
    expect(tagToVersion("latest")).toBeUndefined();
  });

  it("branch aliases: only tag characters, no leading dot or dash, at most 128", () => {
    expect(aliasForBranch("release/5.x")).toBe("release-5.x");
    expect(aliasForBranch("..-feature")).toBe("feature");
    expect(aliasForBranch("a.-b")).toBe("a.-b");
    expect(aliasForBranch("x".repeat(200))).toHaveLength(128);
  });
});

describe("the highest release and the aliases it earns", () => {
  it("highest does not depend on the order the registry lists tags in", () => {
    expect(highest(["5.1.0", "5.10.0", "5.2.0"])).toBe("5.10.0");
    expect(highest(["5.10.0", "4.0.0"])).toBe("5.10.0");
    expect(highest([])).toBeUndefined();
  });

  it("a minor line is its own major's: 4.1.5 is the top of 4.1 even when 5.1.9 exists", () => {
    expect(releaseAliases("4.1.5", ["4.1.4", "5.1.9"])).toEqual(["4.1", "4"]);
  });

  it("build metadata becomes _ in an OCI tag, as helm writes it", () => {
    expect(versionToTag("1.2.3+build.4")).toBe("1.2.3_build.4");
  });
});

describe("whether a run publishes anything", () => {
  // Minimal plans: only the fields the rule reads.
  const plan = (images: string[], charts: string[], aliases = 0): Plan =>
    ({
      images: images.map((action) => ({ name: `i-${action}`, publication: { action }, smoke: undefined })),
      charts: charts.map((action) => ({ name: `c-${action}`, publication: { action } })),
      aliases: Array.from({ length: aliases }, (_, i) => ({ repository: "r", alias: `a${i}` })),
      test: undefined,
    }) as unknown as Plan;

  it.each([
    { images: ["push", "skip"], charts: [], aliases: 0, expected: true },
    { images: ["skip", "push"], charts: ["skip"], aliases: 0, expected: true },
    { images: [], charts: ["skip", "push"], aliases: 0, expected: true },
    { images: ["skip"], charts: ["skip"], aliases: 1, expected: true },
    { images: ["skip"], charts: ["skip"], aliases: 0, expected: false },
  ])("images $images, charts $charts, $aliases aliases → $expected", ({ images, charts, aliases, expected }) => {
    expect(publishesAnything(plan(images, charts, aliases))).toBe(expected);
  });

  it("a publishing run with everything in the registry already has no steps; a gates-only run keeps its gates", () => {
    expect(planSteps(plan(["skip", "none"], []))).toEqual([]);
    expect(planSteps(plan([], ["none", "skip"]))).toEqual([]);
    expect(planSteps(plan(["none"], ["none"])).map((s) => s.kind)).toEqual(["build", "chart-deps", "lint", "template"]);
  });
});
