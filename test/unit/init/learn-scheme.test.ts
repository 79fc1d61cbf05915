import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { learnScheme, learnTagPatterns } from "../../../src/init/learn-tags.js";
import { circleTagFilters, githubTagGlobs } from "../../../src/plan/formats.js";
import { charthouse } from "../../kit/cli.js";
import { tempTree } from "../../kit/temp-dir.js";

// init reads how a project numbers its releases from its newest tags, and reports the tags that fit no scheme.

const t = (name: string, time = 100) => ({ name, time });
const history = (names: string[]) => names.map((name, i) => t(name, 1000 - i));

describe("the version scheme from the newest tags", () => {
  it.each([
    { shape: "semver", tags: ["v5.0.1", "v5.0.0", "v5.0.0-rc.1"], versions: "semver", from: "v5.0.1" },
    { shape: "two-part", tags: ["10.0", "10.0-rc1", "9.3", "9.2"], versions: "two-part", from: "10.0" },
    { shape: "calver", tags: ["26.08.0-dev", "26.08.0", "26.07.1", "26.10.0"], versions: "calver", from: "26.08.0" },
    { shape: "revision", tags: ["12.1-1", "12.1-0", "12.0-1"], versions: "revision", from: "12.1-1" },
    { shape: "calver, prefixed", tags: ["app-v26.11.0", "app-v26.09.2"], versions: "calver", from: "app-v26.11.0" },
  ])("$shape: $tags", ({ tags, versions, from }) => {
    expect(learnScheme(history(tags))).toEqual({ versions, from });
  });

  it("a calver history whose newest months need no leading zero is semver too: semver wins the tie", () => {
    expect(learnScheme(history(["26.11.0", "26.10.0"]))).toEqual({ versions: "semver", from: "26.11.0" });
  });

  it("the newest tags decide: a project that moved from semver to two-part numbers by two-part", () => {
    const old = Array.from({ length: 20 }, (_, i) => t(`v1.${i}.0`, i));
    const now = Array.from({ length: 10 }, (_, i) => t(`v2.${i}`, 100 + i));
    expect(learnScheme([...old, ...now]).versions).toBe("two-part");
  });

  it("chart tags and tags of no scheme do not count; none at all is semver, learned from nothing", () => {
    expect(learnScheme(history(["hyrax-chart-3.7.4", "helm-1.0.0", "stable"]), ["hyrax"])).toEqual({
      versions: "semver",
    });
  });
});

describe("init's release patterns under the learned scheme", () => {
  it("two-part tags give {version} and two-part; CI fires on them", () => {
    const learned = learnTagPatterns(history(["10.0", "10.0-rc1", "9.3", "app-chart-1.2.0"]), ["app"]);
    expect(learned).toMatchObject({
      releaseTag: "{version}",
      releaseFrom: "10.0",
      chartReleaseTag: "app-chart-{version}",
      versions: "two-part",
      versionsFrom: "10.0",
      notes: [],
    });
    const circle = circleTagFilters(learned).map((f) => new RegExp(f.slice(1, -1)));
    expect(["10.0", "10.0-rc1", "app-chart-1.2.0"].filter((tag) => circle.some((r) => r.test(tag)))).toHaveLength(3);
    expect(["10", "x10.0", "app-chart-1.2"].filter((tag) => circle.some((r) => r.test(tag)))).toEqual([]);
    expect(githubTagGlobs(learned)).toEqual(["[0-9]+.[0-9]+*", "app-chart-[0-9]+.[0-9]+.[0-9]+*"]);
  });

  it("revision tags with a prefix; tags that fit no scheme are reported, the newest first", () => {
    const learned = learnTagPatterns(
      history(["v12.1-1", "nightly-build", "v12.1-0", "v12.0-1", "old", "first", "a", "b", "c"]),
      [],
    );
    expect(learned).toMatchObject({ releaseTag: "v{version}", versions: "revision", versionsFrom: "v12.1-1" });
    expect(learned.notes).toEqual([
      "tags that fit no version scheme, not read as releases (6): nightly-build, old, first, a, b, …",
    ]);
  });

  it("CircleCI filters of each scheme match its releases and prereleases, and not its aliases", () => {
    const cases = {
      calver: { fires: ["v26.08.0", "v26.08.0-dev"], not: ["v26.08", "v26.8"] },
      revision: { fires: ["v12.1-0", "v13.0-rc1-0"], not: ["v12.1", "v12"] },
    } as const;
    for (const [versions, { fires, not }] of Object.entries(cases)) {
      const [release] = circleTagFilters({
        releaseTag: "v{version}",
        chartReleaseTag: "{chart}-chart-v{version}",
        versions: versions as "calver" | "revision",
      }).map((f) => new RegExp(f.slice(1, -1)));
      expect(fires.filter((tag) => release!.test(tag))).toEqual(fires);
      expect(not.filter((tag) => release!.test(tag))).toEqual([]);
    }
  });
});

describe("charthouse init on a calver project", () => {
  it("writes versions: calver, reports the shape and tags of no scheme; check and plan --tag accept it", async () => {
    const project = tempTree({
      Dockerfile: "FROM scratch AS app\n",
      "chart/app/Chart.yaml": "apiVersion: v2\nname: app\nversion: 1.0.0\n",
      "chart/app/values.yaml": "image: {}\n",
    });
    const git = (...args: string[]) =>
      execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.org", ...args], { cwd: project });
    git("init", "-q");
    git("add", ".");
    git("commit", "-q", "-m", "init");
    for (const tag of ["26.06.0", "26.07.0", "26.08.0-dev", "before-calver"]) git("tag", tag);
    const run = await charthouse(["init", project, "--ci", "github"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^ {2}release versions +calver \(YY\.MM\.MICRO.*\) +git tag 26\.0[67]\.0$/m);
    expect(run.stdout).toMatch(/note: tags that fit no version scheme, not read as releases \(1\): before-calver/);
    const config = readFileSync(join(project, "charthouse.yaml"), "utf8");
    expect(config).toMatch(/^ {2}releaseTag: "\{version\}"$/m);
    expect(config).toMatch(/^ {2}versions: calver$/m);
    const workflow = readFileSync(join(project, ".github/workflows/charthouse.yml"), "utf8");
    expect(workflow).toContain("[0-9]+.[0-9][0-9].[0-9]+*");
    const file = join(project, "charthouse.yaml");
    writeFileSync(file, config.replace(/^registry: .*$/m, "registry: ghcr.io/example"));
    expect(await charthouse(["check", "--config", file])).toMatchObject({ code: 0 });
    const plan = await charthouse(["plan", "--config", file, "--tag", "26.08.0", "--json"]);
    const json = JSON.parse(plan.stdout);
    expect(json.images[0].tag).toBe("26.08.0");
    expect(json.aliases.map((a: { alias: string }) => a.alias)).toEqual(["26.08", "latest"]);
  });
});
