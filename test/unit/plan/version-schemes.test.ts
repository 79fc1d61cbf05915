import fc from "fast-check";
import semver from "semver";
import { describe, expect, it } from "vitest";
import { releaseAliases } from "../../../src/plan/formats.js";
import {
  aliasesOf,
  compareTexts,
  compareVersions,
  isPrerelease,
  prereleaseOf,
  SCHEMES,
  schemeOf,
  VERSION_SCHEMES,
  type Version,
  type VersionSchemeName,
} from "../../../src/plan/version-schemes.js";

// Every scheme a project may number its releases by, held to what semver is held to: parse and format
// round-trip, the order is total, aliases never go backwards whatever order releases come in (backports, reruns,
// prereleases), and a prerelease never moves one.

const pre = fc.option(fc.constantFrom(["rc1"], ["rc2"], ["rc10"], ["beta", "2"], ["dev"], ["alpha"], ["0"]), {
  nil: undefined,
});
const small = fc.integer({ min: 0, max: 3 });

/** A version's parts of each scheme, small enough that random releases collide in lines. */
const PARTS: Record<VersionSchemeName, fc.Arbitrary<Omit<Version, "text">>> = {
  semver: fc
    .tuple(fc.integer({ min: 3, max: 5 }), small, small, pre)
    .map(([a, b, c, p]) => ({ numbers: [a, b, c], prerelease: p ?? [] })),
  "two-part": fc
    .tuple(fc.integer({ min: 9, max: 11 }), small, pre)
    .map(([a, b, p]) => ({ numbers: [a, b], prerelease: p ?? [] })),
  calver: fc
    .tuple(fc.constantFrom(25, 26), fc.integer({ min: 1, max: 12 }), small, pre)
    .map(([y, m, c, p]) => ({ numbers: [y, m, c], prerelease: p ?? [] })),
  revision: fc
    .tuple(fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 1, maxLength: 3 }), small, pre)
    .map(([up, r, p]) => ({
      numbers: [12, ...up].slice(0, 3),
      revision: r,
      // A revision's prerelease starts with a letter: `0` would read as an upstream part.
      prerelease: p && /^\d/.test(p[0]!) ? [] : (p ?? []),
    })),
};
const textOf = (name: VersionSchemeName) => PARTS[name].map((parts) => SCHEMES[name].format(parts));

describe.each(VERSION_SCHEMES)("the %s scheme (fast-check)", (name) => {
  const scheme = SCHEMES[name];
  const parse = (text: string) => scheme.parse(text)!;

  it("parse and format round-trip", () => {
    fc.assert(
      fc.property(PARTS[name], (parts) => {
        const text = scheme.format(parts);
        const read = scheme.parse(text);
        expect(read).toEqual({ text, ...parts, ...(name === "revision" ? {} : { revision: undefined }) });
        expect(scheme.format(read!)).toBe(text);
      }),
    );
  });

  it("orders versions totally: antisymmetric, transitive, equal only when written the same", () => {
    fc.assert(
      fc.property(textOf(name), textOf(name), textOf(name), (a, b, c) => {
        const [x, y, z] = [parse(a), parse(b), parse(c)];
        expect(Math.sign(compareVersions(x, y)) + Math.sign(compareVersions(y, x))).toBe(0);
        expect(compareVersions(x, y) === 0).toBe(a === b);
        if (compareVersions(x, y) <= 0 && compareVersions(y, z) <= 0)
          expect(compareVersions(x, z)).toBeLessThanOrEqual(0);
        // A release stands above its own prereleases.
        if (isPrerelease(x)) expect(compareVersions(x, parse(scheme.format({ ...x, prerelease: [] })))).toBeLessThan(0);
      }),
    );
  });

  it("never moves an alias backwards, whatever order releases (backports, reruns, prereleases) come in", () => {
    fc.assert(
      fc.property(fc.array(textOf(name), { minLength: 1, maxLength: 12 }), (releases) => {
        const tags = new Set<string>();
        const holds = new Map<string, string>();
        for (const release of releases) {
          const aliases = aliasesOf(scheme, release, tags);
          if (isPrerelease(parse(release))) expect(aliases).toEqual([]);
          for (const alias of aliases) {
            const held = holds.get(alias);
            if (held !== undefined) expect(compareVersions(parse(release), parse(held))).toBeGreaterThanOrEqual(0);
            holds.set(alias, release);
          }
          tags.add(release);
          for (const alias of aliases) tags.add(alias);
        }
        // Every alias ends at the highest release of its line; latest at the highest of all.
        const finals = [...tags].map((t) => scheme.parse(t)).filter((v): v is Version => !!v && !isPrerelease(v));
        const top = (vs: Version[]) => vs.reduce((a, b) => (compareVersions(a, b) >= 0 ? a : b)).text;
        if (finals.length) expect(holds.get("latest")).toBe(top(finals));
        for (const [alias, held] of holds) {
          if (alias === "latest") continue;
          expect(held).toBe(top(finals.filter((v) => scheme.lines(v).includes(alias))));
        }
      }),
    );
  });

  it("names aliases no release of the scheme can be mistaken for", () => {
    fc.assert(
      fc.property(textOf(name), (text) => {
        for (const line of scheme.lines(parse(text))) expect(scheme.parse(line)).toBeUndefined();
      }),
    );
  });

  it("writes chart versions as SemVer 2 in the same order, or says why it cannot", () => {
    if (!scheme.chartVersion) {
      expect(scheme.notChartVersion).toMatch(/SemVer 2/);
      return;
    }
    fc.assert(
      fc.property(textOf(name), textOf(name), (a, b) => {
        const [ca, cb] = [scheme.chartVersion!(parse(a)), scheme.chartVersion!(parse(b))];
        expect(semver.valid(ca)).toBe(ca);
        expect(semver.prerelease(ca) !== null).toBe(isPrerelease(parse(a)));
        if (a !== b) expect(Math.sign(semver.compare(ca, cb))).toBe(Math.sign(compareVersions(parse(a), parse(b))));
      }),
    );
  });
});

describe("the semver scheme is semver", () => {
  it("orders as the semver package does, and names the aliases charthouse always has", () => {
    fc.assert(
      fc.property(textOf("semver"), textOf("semver"), fc.array(textOf("semver"), { maxLength: 8 }), (a, b, tags) => {
        expect(Math.sign(compareVersions(SCHEMES.semver.parse(a)!, SCHEMES.semver.parse(b)!))).toBe(
          Math.sign(semver.compare(a, b)),
        );
        expect(aliasesOf(SCHEMES.semver, a, tags)).toEqual(releaseAliases(a, tags));
      }),
    );
  });

  it("reads what the semver package reads as strict semver, and nothing else", () => {
    for (const text of ["1.2.3", "0.0.0", "1.2.3-rc.1", "1.2.3-0a", "1.2.3+b.1", "1.2.3-x-y.7"])
      expect(SCHEMES.semver.parse(text)?.text).toBe(text);
    for (const text of ["01.2.3", "1.02.3", "1.2", "v1.2.3", "1.2.3-01", "1.2.3-", "1.2.3-a..b", "1.2.3 "])
      expect(SCHEMES.semver.parse(text)).toBeUndefined();
  });
});

describe("what each scheme reads", () => {
  it.each([
    { name: "two-part", reads: ["10.0", "9.3", "10.0-rc1", "0.1-beta.2"], refuses: ["10", "10.0.0", "10.01", "v10.0"] },
    {
      name: "calver",
      reads: ["26.08.0", "26.12.3", "2026.08.1", "26.08.0-dev", "26.01.10-rc.1"],
      refuses: ["26.8.0", "26.13.0", "26.00.0", "26.08", "26.08.01", "026.08.0", "26.08.0-01"],
    },
    {
      name: "revision",
      reads: ["12.1-0", "12.0-1", "1.2.3-4", "12-0", "13.0-rc1-0", "13.0-rc.1-2"],
      refuses: ["12.1", "12.1-01", "12.1-rc1", "12.1-0-1", "12.01-0", "-0", "12.1.0.1.2-0"],
    },
  ] as const)("$name", ({ name, reads, refuses }) => {
    for (const text of reads) expect(SCHEMES[name].parse(text)?.text).toBe(text);
    for (const text of refuses) expect(SCHEMES[name].parse(text)).toBeUndefined();
  });

  it("reads a revision's parts: upstream, prerelease, revision", () => {
    expect(SCHEMES.revision.parse("13.0-rc1-2")).toEqual({
      text: "13.0-rc1-2",
      numbers: [13, 0],
      revision: 2,
      prerelease: ["rc1"],
    });
    expect(SCHEMES.calver.parse("26.08.0-dev")).toEqual({
      text: "26.08.0-dev",
      numbers: [26, 8, 0],
      prerelease: ["dev"],
    });
  });

  it.each([
    { name: "semver", version: "5.0.1", lines: ["5.0", "5"], chart: "5.0.1" },
    { name: "two-part", version: "10.0-rc1", lines: ["10"], chart: "10.0.0-rc1" },
    { name: "calver", version: "26.08.0", lines: ["26.08"], chart: undefined },
    { name: "revision", version: "1.2.3-4", lines: ["1.2.3", "1.2", "1"], chart: undefined },
  ] as const)("$name: $version makes the lines $lines and chart $chart", ({ name, version, lines, chart }) => {
    const scheme = SCHEMES[name];
    expect(scheme.lines(scheme.parse(version)!)).toEqual(lines);
    expect(scheme.chartVersion?.(scheme.parse(version)!)).toBe(chart);
  });

  it("a release is above its prereleases, a higher revision above a lower, numbers by value", () => {
    const order = (name: VersionSchemeName, texts: string[]) =>
      [...texts].sort((a, b) => compareVersions(SCHEMES[name].parse(a)!, SCHEMES[name].parse(b)!));
    expect(order("two-part", ["10.0", "9.10", "10.0-rc2", "10.0-rc1", "9.3"])).toEqual([
      "9.3",
      "9.10",
      "10.0-rc1",
      "10.0-rc2",
      "10.0",
    ]);
    expect(order("revision", ["12.1-1", "12.0-2", "12.1-0", "12-5", "12.1.1-0"])).toEqual([
      "12-5",
      "12.0-2",
      "12.1-0",
      "12.1-1",
      "12.1.1-0",
    ]);
    expect(order("calver", ["26.10.0", "26.08.0", "26.08.0-dev", "25.12.4"])).toEqual([
      "25.12.4",
      "26.08.0-dev",
      "26.08.0",
      "26.10.0",
    ]);
  });

  it("compares texts, and ranks no text the scheme does not read", () => {
    expect(compareTexts(SCHEMES.calver, "26.10.0", "26.08.0")).toBe(1);
    expect(compareTexts(SCHEMES.calver, "26.08.0", "26.10.0")).toBe(-1);
    expect(compareTexts(SCHEMES.calver, "26.08.0", "26.8.0")).toBeUndefined();
    expect(compareTexts(SCHEMES.calver, "26.8.0", "26.08.0")).toBeUndefined();
    expect(compareTexts(SCHEMES.calver, "26.08.0", undefined)).toBeUndefined();
  });

  it("names a prerelease's identifiers, and none for a release or a text it does not read", () => {
    expect(prereleaseOf(SCHEMES["two-part"], "10.0-rc1")).toBe("rc1");
    expect(prereleaseOf(SCHEMES.revision, "13.0-rc.1-0")).toBe("rc.1");
    expect(prereleaseOf(SCHEMES["two-part"], "10.0")).toBeUndefined();
    expect(prereleaseOf(SCHEMES["two-part"], "10")).toBeUndefined();
  });

  it("a policy without versions numbers by semver", () => {
    expect(schemeOf({}).name).toBe("semver");
    expect(schemeOf({ versions: "calver" }).name).toBe("calver");
  });

  it("a text the scheme does not read, or a prerelease, gets no alias; tags of other shapes do not count", () => {
    expect(aliasesOf(SCHEMES.calver, "26.8.0", [])).toEqual([]);
    expect(aliasesOf(SCHEMES.calver, "26.08.0-dev", [])).toEqual([]);
    expect(aliasesOf(SCHEMES.calver, "26.08.0", ["27.01.0-dev", "latest", "nightly-20261124", "26.09"])).toEqual([
      "26.08",
      "latest",
    ]);
  });
});
