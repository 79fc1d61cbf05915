import { describe, expect, it } from "vitest";
import { decideImages } from "../../../src/init/decide-images.js";
import type { WorkflowBuild } from "../../../src/init/learn-workflows.js";
import { learnTagPatterns } from "../../../src/init/learn-tags.js";

const build = (repositories: string[], target: string, more: Partial<WorkflowBuild> = {}, line = 1): WorkflowBuild => ({
  repositories,
  target,
  pushes: true,
  feedsTest: false,
  from: { file: ".github/workflows/build.yml", line },
  ...more,
});
const anyStage = () => true;

describe("which images init publishes", () => {
  it("two builds of one repository are one image, their platforms joined", () => {
    const d = decideImages(
      [
        build(["ghcr.io/o/r/app"], "app", { platforms: ["linux/amd64"] }, 3),
        build(["ghcr.io/o/r/app"], "app", { platforms: ["linux/arm64"] }, 9),
      ],
      anyStage,
    );
    expect(d.ok && d.images).toEqual([
      {
        name: "app",
        repository: "app",
        target: "app",
        platforms: ["linux/amd64", "linux/arm64"],
        from: [
          { file: ".github/workflows/build.yml", line: 3 },
          { file: ".github/workflows/build.yml", line: 9 },
        ],
      },
    ]);
    expect(d.ok && d.registry?.value).toBe("ghcr.io/o/r");
  });

  // Found by the init property (seed 160809988): a build naming no repository was named after its
  // target, whose default repository was the one another build of that target publishes.
  it("a build naming no repository joins the build of its target that does; no two images share a repository", () => {
    const joined = decideImages(
      [build([], "worker", {}, 3), build(["ghcr.io/acme/worker"], "worker", {}, 9)],
      anyStage,
    );
    expect(joined.ok && joined.images.map((i) => [i.name, i.repository])).toEqual([["worker", "worker"]]);
    const apart = decideImages([build([], "worker", {}, 3), build(["ghcr.io/acme/worker"], "app", {}, 9)], anyStage);
    const repositories = apart.ok ? apart.images.map((i) => i.repository) : [];
    expect(new Set(repositories).size).toBe(2);
  });

  it("builds of one target pushing different repositories are different images with different names", () => {
    const d = decideImages([build(["ghcr.io/o/a/web"], "web"), build(["ghcr.io/o/b/web"], "web")], anyStage);
    expect(d.ok && d.images.map((i) => [i.name, i.repository])).toEqual([
      ["web", "a/web"],
      ["b-web", "b/web"],
    ]);
    expect(d.ok && d.registry?.value).toBe("ghcr.io/o");
  });

  it("a build exported for the tests is reported, not published; so is a stale target, with its repository", () => {
    const d = decideImages(
      [
        build(["ghcr.io/o/r/app"], "app"),
        build(["ghcr.io/o/r-dev"], "app", { feedsTest: true }, 5),
        build(["ghcr.io/o/r/old"], "gone", {}, 7),
      ],
      (b) => b.target !== "gone",
    );
    expect(d.ok && d.images.map((i) => i.name)).toEqual(["app"]);
    expect(d.ok && d.left).toEqual([
      ".github/workflows/build.yml:5: ghcr.io/o/r-dev is pushed for CI, to feed the tests; not published " +
        "(charthouse's test gate builds what it tests)",
      ".github/workflows/build.yml:7: target gone (ghcr.io/o/r/old) is no stage of Dockerfile; left out (stale)",
    ]);
    expect(d.ok && d.unpublished).toEqual(["ghcr.io/o/r-dev", "ghcr.io/o/r/old"]);
  });

  it("leaves as TODOs, naming the builds, one repository built from two targets and images on two hosts", () => {
    const targets = decideImages(
      [build(["ghcr.io/o/app"], "a", {}, 2), build(["ghcr.io/o/app"], "b", {}, 4)],
      anyStage,
    );
    expect(targets.ok && targets.images.map((i) => i.target)).toEqual([
      "TODO: the target to publish as ghcr.io/o/app: the workflows build a (.github/workflows/build.yml:2) and b " +
        "(.github/workflows/build.yml:4)",
    ]);
    const two = decideImages([build(["ghcr.io/o/app", "o/app"], "a")], anyStage);
    expect(two.ok && two.registry).toBeUndefined();
    expect(two.ok && two.registryTodo).toMatch(
      /publish to 2 registries: ghcr\.io\/o\/app \(\S+\), docker\.io\/o\/app \(\S+\); .*choose it/,
    );
    expect(two.ok && two.images.map((i) => [i.name, i.repository])).toEqual([["app", "app"]]);
  });

  it("never invents a repository: one it cannot evaluate is a TODO, the image named after what is known", () => {
    const d = decideImages(
      [
        build([], "web", { unknownRepository: { text: "${{ vars.REGISTRY }}/shop:1 (w.yml:3)", name: "shop" } }),
        build([], undefined as unknown as string, { file: "docker/api/Dockerfile" }, 7),
      ],
      anyStage,
    );
    expect(d.ok && d.images.map((i) => [i.name, i.repository])).toEqual([
      [
        "shop",
        "TODO: the image repository under the registry (the workflow's tag ${{ vars.REGISTRY }}/shop:1 (w.yml:3) " +
          "cannot be evaluated here)",
      ],
      [
        "api",
        "TODO: the image repository under the registry (.github/workflows/build.yml:7 names neither tags nor a target)",
      ],
    ]);
  });
});

describe("release tag patterns from the history", () => {
  const t = (name: string, time = 100) => ({ name, time });
  it("Hyrax's history: the newest of each kind wins, the older patterns are reported", () => {
    const tags = [
      "hyrax-v5.3.0",
      "hyrax-v5.2.0",
      "hyrax-chart-3.7.4",
      "v5.0.5",
      "v.5.0.4",
      "hyrax-v5.0.0.rc1",
      "hyrax-3.7.1",
      "v5.1.0.pre.beta1",
    ].map((n) => t(n));
    const learned = learnTagPatterns(tags, ["hyrax"]);
    expect(learned).toMatchObject({
      releaseTag: "hyrax-v{version}",
      chartReleaseTag: "hyrax-chart-{version}",
      releaseFrom: "hyrax-v5.3.0",
      chartFrom: "hyrax-chart-3.7.4",
    });
    expect(learned.notes).toEqual([
      "release tags v{version} (1 tag, newest v5.0.5) are older than hyrax-v5.3.0: not used",
      "release tags v.{version} (1 tag, newest v.5.0.4) are older than hyrax-v5.3.0: not used",
      "release tags hyrax-{version} (1 tag, newest hyrax-3.7.1) are older than hyrax-v5.3.0: not used",
      "tags that fit no version scheme, not read as releases (2): hyrax-v5.0.0.rc1, v5.1.0.pre.beta1",
    ]);
  });

  it("time decides before version: a project that moved from v1.2.3 to 2.0.0", () => {
    expect(learnTagPatterns([t("v9.0.0", 100), t("2.0.0", 200)], [])).toMatchObject({
      releaseTag: "{version}",
      releaseFrom: "2.0.0",
    });
  });

  it("{chart} stands for a chart's name when there are several; helm-{version} when there is one", () => {
    expect(
      learnTagPatterns([t("v1.0.0"), t("web-chart-1.2.0"), t("db-chart-0.3.0")], ["web", "db"]).chartReleaseTag,
    ).toBe("{chart}-chart-{version}");
    expect(learnTagPatterns([t("1.0.0"), t("helm-0.3.0")], ["app"]).chartReleaseTag).toBe("helm-{version}");
    // Without {chart}, a pattern cannot say which of two charts a tag releases: not proposed.
    expect(learnTagPatterns([t("v1.0.0"), t("helm-0.3.0")], ["web", "db"]).chartReleaseTag).toBe(
      "{chart}-chart-v{version}",
    );
  });

  it("no tags: charthouse's defaults, saying so", () => {
    expect(learnTagPatterns([], ["app"])).toEqual({
      releaseTag: "v{version}",
      chartReleaseTag: "{chart}-chart-v{version}",
      versions: "semver",
      notes: [],
    });
  });
});
