import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isSemver, tagPatternRegex, tagReadTwice } from "../../../src/plan/formats.js";

// check refuses a pair of tag patterns only for a tag both read as a semver release, and names
// it; any pair it accepts reads no tag twice. Patterns are built from the pieces real projects
// use (v, hyrax-, -chart-, helm-, .), versions and chart names from the shapes that collide.

const piece = fc.constantFrom(
  "",
  "v",
  "v.",
  "hyrax-",
  "hyrax-v",
  "-chart-",
  "chart-",
  "helm-",
  "-",
  ".",
  "app-",
  "release-",
  "-rc",
);
const pattern = (withChart: boolean) =>
  fc.tuple(piece, piece, piece, fc.boolean()).map(([a, b, c, chartFirst]) => {
    if (!withChart) return `${a}{version}${c}`;
    return chartFirst ? `${a}{chart}${b}{version}${c}` : `${a}{version}${b}{chart}${c}`;
  });
const patterns = fc.record({ releaseTag: pattern(false), chartReleaseTag: fc.oneof(pattern(true), pattern(false)) });
const charts = fc.uniqueArray(fc.constantFrom("app", "hyrax", "my-app", "1.2.3", "chart", "v1"), {
  minLength: 1,
  maxLength: 2,
});
const version = fc
  .tuple(
    fc.nat(20),
    fc.nat(20),
    fc.nat(20),
    fc.option(fc.constantFrom("rc.1", "app", "chart", "hyrax", "1", "chart-1", "v1"), { nil: undefined }),
  )
  .map(([a, b, c, pre]) => `${a}.${b}.${c}${pre ? `-${pre}` : ""}`);

function readsAsRelease(p: string, tag: string): boolean {
  const v = tagPatternRegex(p).exec(tag)?.groups?.version;
  return v !== undefined && isSemver(v);
}
function readsAsChart(p: string, tag: string, names: readonly string[]): boolean {
  return names.some((name) => {
    const v = tagPatternRegex(p.replace("{chart}", name)).exec(tag)?.groups?.version;
    return v !== undefined && isSemver(v);
  });
}

describe("tag patterns that read one tag two ways", () => {
  it("a tag it names is read both ways; a pair it accepts reads no generated tag twice", () => {
    fc.assert(
      fc.property(patterns, charts, version, (p, names, v) => {
        // A chart pattern without {chart} beside several charts is refused before this check.
        fc.pre(p.chartReleaseTag.includes("{chart}") || names.length === 1);
        const both = tagReadTwice(p, names);
        if (both !== undefined) {
          expect(readsAsRelease(p.releaseTag, both)).toBe(true);
          expect(readsAsChart(p.chartReleaseTag, both, names)).toBe(true);
          return;
        }
        const tags = [
          p.releaseTag.replace("{version}", v),
          ...names.map((n) => p.chartReleaseTag.replace("{chart}", n).replace("{version}", v)),
        ];
        for (const tag of tags)
          expect(
            readsAsRelease(p.releaseTag, tag) && readsAsChart(p.chartReleaseTag, tag, names),
            `${tag} under ${JSON.stringify(p)}`,
          ).toBe(false);
      }),
      { numRuns: 3000 },
    );
  });
});
