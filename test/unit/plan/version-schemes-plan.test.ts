import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY, type Config } from "../../../src/config/index.js";
import type { RunEvent } from "../../../src/context/index.js";
import { decideAliasMove, planRelease, type Plan } from "../../../src/plan/index.js";
import {
  compareVersions,
  isPrerelease,
  SCHEMES,
  VERSION_SCHEMES,
  type Version,
  type VersionSchemeName,
} from "../../../src/plan/version-schemes.js";
import type { RegistryState, TagRecord } from "../../../src/registry/index.js";
import { chart, COMMIT, config, context, digestOf, OTHER_COMMIT, state } from "../../kit/builders.js";
import { mustPlan, mustRefuse, pushes } from "../../kit/plan-assertions.js";
import { joined } from "../../kit/regex.js";

// The issue's table: what `plan --tag` publishes under each version scheme, and a chart versioned by its release.

const DASSIE = "ghcr.io/samvera/dassie";
const CHART = "ghcr.io/samvera/charts/hyrax";
const tag = (t: string): RunEvent => ({ kind: "release", tag: t });
const NIGHTLY: RunEvent = { kind: "nightly" };

function schemeConfig(versions: VersionSchemeName, o: { fromRelease?: boolean; chartVersion?: string } = {}): Config {
  return config({
    policy: { ...DEFAULT_POLICY, versions },
    charts: [
      chart("hyrax", o.chartVersion ?? "3.7.4", {
        pins: [{ image: "dassie", tag: "image.tag", digest: "image.digest" }],
        ...(o.fromRelease ? { versionFrom: "release" as const } : {}),
      }),
    ],
  });
}

const tagsOf = (plan: Plan) => ({
  image: plan.images[0]!.tag,
  aliases: plan.aliases.map((a) => a.alias),
  chart: plan.charts[0]?.version,
  appVersion: plan.charts[0]?.appVersion,
});

describe("plan --tag under each version scheme", () => {
  it.each([
    { versions: "two-part", tag: "v10.0", published: [], image: "10.0", aliases: ["10", "latest"] },
    { versions: "two-part", tag: "v10.0-rc1", published: ["9.3"], image: "10.0-rc1", aliases: [] },
    { versions: "two-part", tag: "v9.4", published: ["9.3", "10.0"], image: "9.4", aliases: ["9"] },
    { versions: "calver", tag: "v26.08.0", published: ["26.07.1"], image: "26.08.0", aliases: ["26.08", "latest"] },
    { versions: "calver", tag: "v26.08.0-dev", published: ["26.07.1"], image: "26.08.0-dev", aliases: [] },
    { versions: "revision", tag: "v12.1-0", published: [], image: "12.1-0", aliases: ["12.1", "12", "latest"] },
    {
      versions: "revision",
      tag: "v12.1-1",
      published: ["12.1-0"],
      image: "12.1-1",
      aliases: ["12.1", "12", "latest"],
    },
    { versions: "revision", tag: "v12.0-2", published: ["12.0-1", "12.1-1"], image: "12.0-2", aliases: ["12.0"] },
    { versions: "revision", tag: "v12.1-0", published: ["12.1-1"], image: "12.1-0", aliases: [] },
  ] as const)("$versions $tag after $published: image $image, aliases $aliases", (c) => {
    const registry = state();
    for (const v of c.published) registry.release(DASSIE, v);
    const plan = mustPlan(tag(c.tag), registry.build(), schemeConfig(c.versions));
    expect(tagsOf(plan)).toMatchObject({ image: c.image, aliases: c.aliases, appVersion: c.image });
    expect(plan.aliases.every((a) => a.rank.scheme === c.versions && a.rank.version === c.image)).toBe(true);
  });

  it("a prerelease of any scheme publishes its chart as a prerelease of Chart.yaml's version", () => {
    expect(tagsOf(mustPlan(tag("v10.0-rc1"), undefined, schemeConfig("two-part"))).chart).toBe("3.7.4-rc1");
    expect(tagsOf(mustPlan(tag("v26.08.0-dev"), undefined, schemeConfig("calver"))).chart).toBe("3.7.4-dev");
    expect(tagsOf(mustPlan(tag("v13.0-rc.1-0"), undefined, schemeConfig("revision"))).chart).toBe("3.7.4-rc.1");
    expect(tagsOf(mustPlan(tag("v26.08.0"), undefined, schemeConfig("calver"))).chart).toBe("3.7.4");
  });

  it("refuses a tag the scheme does not read, saying the scheme's shape", () => {
    expect(mustRefuse(tag("v26.8.0"), undefined, schemeConfig("calver"))[0]).toMatch(
      joined(
        /tag v26\.8\.0: "26\.8\.0" is not a calver version \(policy\.versions\); /,
        /tag releases as YY\.MM\.MICRO.*26\.08\.0/,
      ),
    );
    expect(mustRefuse(tag("v5.0.1"), undefined, schemeConfig("two-part"))[0]).toMatch(/e\.g\. 10\.0 or 10\.0-rc1/);
    expect(mustRefuse(tag("5.0"), undefined, schemeConfig("two-part"))[0]).toMatch(/push a tag like v10\.0 or/);
  });

  it("a rerun is idempotent: the immutable tag from this commit is skipped, aliases it holds stay", () => {
    const registry = state()
      .release(DASSIE, "12.1-1", ["12.1", "12", "latest"], { revision: COMMIT })
      .release(CHART, "3.7.4", [], { revision: COMMIT })
      .build();
    const plan = mustPlan(tag("v12.1-1"), registry, schemeConfig("revision"));
    expect(pushes(plan)).toEqual({ immutable: [], aliases: [] });
  });

  it("an alias moved by another run to a higher version of the scheme is left; to a lower one, moved", () => {
    const plan = mustPlan(
      tag("v26.10.0"),
      state().release(DASSIE, "26.08.0", ["latest"]).build(),
      schemeConfig("calver"),
    );
    const latest = plan.aliases.find((a) => a.alias === "latest")!;
    const holding = (version: string): TagRecord => ({ digest: digestOf(version), version });
    expect(decideAliasMove(latest, holding("26.11.0"), digestOf("26.10.0")).move).toBe(false);
    expect(decideAliasMove(latest, holding("26.09.2"), digestOf("26.10.0")).move).toBe(true);
    // A version no calver release reads cannot be ranked: left alone.
    expect(decideAliasMove(latest, holding("26.9.2"), digestOf("26.10.0"))).toMatchObject({
      move: false,
      reason: expect.stringMatching(/cannot rank against this run's version 26\.10\.0/),
    });
  });
});

describe("a chart versioned by its release (versionFrom: release)", () => {
  const fromRelease = (versions: VersionSchemeName = "semver") =>
    schemeConfig(versions, { fromRelease: true, chartVersion: "0.0.1-set.by.chartpress" });

  it("release 4.4.0 publishes chart 4.4.0 with appVersion 4.4.0; Chart.yaml's placeholder is ignored", () => {
    const plan = mustPlan(tag("v4.4.0"), state().release(CHART, "4.3.0").build(), fromRelease());
    expect(tagsOf(plan)).toMatchObject({ chart: "4.4.0", appVersion: "4.4.0" });
    expect(pushes(plan).immutable).toContain(`${CHART}:4.4.0`);
  });

  it("a nightly after 4.4.0 publishes a prerelease above it, at or above 4.4.1-0", () => {
    const plan = mustPlan(NIGHTLY, state().release(CHART, "4.4.0").release(CHART, "4.3.9").build(), fromRelease());
    expect(tagsOf(plan).chart).toBe("4.4.1-nightly.20261124");
    expect(mustPlan(NIGHTLY, undefined, fromRelease()).charts[0]!.version).toBe("0.0.0-nightly.20261124");
  });

  it("two-part 10.0 publishes chart 10.0.0; its candidate 10.0-rc1 chart 10.0.0-rc1", () => {
    expect(tagsOf(mustPlan(tag("v10.0"), undefined, fromRelease("two-part")))).toMatchObject({
      image: "10.0",
      chart: "10.0.0",
      appVersion: "10.0",
    });
    expect(tagsOf(mustPlan(tag("v10.0-rc1"), undefined, fromRelease("two-part"))).chart).toBe("10.0.0-rc1");
  });

  it("a chart-only release takes the tag's version whatever Chart.yaml says", () => {
    const plan = mustPlan(tag("hyrax-chart-v4.4.1"), undefined, fromRelease());
    expect(plan.charts.map((c) => c.version)).toEqual(["4.4.1"]);
  });

  it("calver and revision releases are refused as chart versions, saying why", () => {
    expect(mustRefuse(tag("v26.08.0"), undefined, fromRelease("calver"))[0]).toMatch(
      joined(
        /chart hyrax takes its version from the release \(versionFrom: release\), /,
        /but calendar versions keep the month's leading zero.*SemVer 2/,
      ),
    );
    expect(mustRefuse(tag("v12.1-0"), undefined, fromRelease("revision"))[0]).toMatch(/packaging revision/);
  });

  it("an older release (a backport) publishes its own lower chart version", () => {
    const plan = mustPlan(tag("v4.3.2"), state().release(CHART, "4.4.0").build(), fromRelease());
    expect(tagsOf(plan).chart).toBe("4.3.2");
  });
});

describe("semver configs plan as before", () => {
  it("a policy naming semver plans exactly as one naming no scheme", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("v5.0.1", "v5.1.0-rc.1", "v4.9.1", "hyrax-chart-v3.7.4", "v6.0.0"),
        fc.subarray(["5.0.0", "5.1.0", "4.9.0", "5.2.0-rc.1"]),
        (t, published) => {
          const registry = state();
          for (const v of published) registry.release(DASSIE, v, [], { revision: OTHER_COMMIT });
          const plain = planRelease({ config: config(), context: context(tag(t)), state: registry.build() });
          const named = planRelease({
            config: config({ policy: { ...DEFAULT_POLICY, versions: "semver" } }),
            context: context(tag(t)),
            state: registry.build(),
          });
          expect(named).toEqual(plain);
        },
      ),
    );
  });
});

describe("no plan under any scheme moves an alias backwards (fast-check, through the planner)", () => {
  const VERSIONS: Record<VersionSchemeName, string[]> = {
    semver: ["5.0.0", "5.0.1", "5.1.0", "4.9.9", "5.1.0-rc.1", "6.0.0"],
    "two-part": ["9.3", "9.4", "10.0", "10.0-rc1", "10.1", "8.9"],
    calver: ["26.07.0", "26.08.0", "26.08.1", "26.08.0-dev", "25.12.3", "26.10.0"],
    revision: ["12.1-0", "12.1-1", "12.0-2", "12.0-1", "11.4-3", "13.0-rc1-0"],
  };

  it.each(VERSION_SCHEMES)("%s: each release applied in turn leaves every alias at its line's highest", (name) => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...VERSIONS[name]), { minLength: 1, maxLength: 10 }), (releases) => {
        const repo: Record<string, TagRecord> = {};
        const cfg = config({ policy: { ...DEFAULT_POLICY, versions: name }, charts: [] });
        const scheme = SCHEMES[name];
        const parse = (text: string) => scheme.parse(text)!;
        for (const version of releases) {
          const registry: RegistryState = { repositories: { [DASSIE]: structuredClone(repo) } };
          const plan = mustPlan(tag(`v${version}`), registry, cfg);
          if (!repo[version]) repo[version] = { digest: digestOf(version), revision: COMMIT, version };
          for (const move of plan.aliases) {
            const current = repo[move.alias];
            const decision = decideAliasMove(move, current ?? null, repo[version]!.digest);
            if (!decision.move) continue;
            if (current?.version !== undefined)
              expect(compareVersions(parse(current.version), parse(version))).toBeLessThanOrEqual(0);
            repo[move.alias] = repo[version]!;
          }
        }
        const released = [...new Set(releases)].map(parse).filter((v) => !isPrerelease(v));
        const top = (peers: Version[]) => [...peers].sort((a, b) => compareVersions(b, a))[0]?.text;
        for (const [alias, record] of Object.entries(repo)) {
          if (alias === record.version) continue;
          const peers = alias === "latest" ? released : released.filter((v) => scheme.lines(v).includes(alias));
          expect(record.version).toBe(top(peers));
        }
        expect(repo.latest?.version).toBe(top(released));
      }),
    );
  });
});
