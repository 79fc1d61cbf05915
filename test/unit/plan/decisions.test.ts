import { describe, expect, it } from "vitest";
import { commandSteps, describeStep } from "../../../src/pipeline/index.js";
import { decideAliasMove, decideImmutable, parseRegistryState, type AliasMove } from "../../../src/plan/index.js";
import { cacheKey } from "../../../src/plan/plan-release.js";
import { COMMIT, chart, config, context, OTHER_COMMIT, state, twoImageProject } from "../../kit/builders.js";
import { mustPlan, mustRefuse } from "../../kit/plan-assertions.js";

// What the planner and the pipeline say and decide in detail: each expectation here is one
// a mutation of src/plan or src/pipeline would break (npm run mutation, docs/mutation.md).
const D = (c: string) => `sha256:${c.repeat(64)}`;
const DASSIE = "ghcr.io/samvera/dassie";
const cfg = twoImageProject();

describe("decisions say why", () => {
  const move = (rank: AliasMove["rank"], expect: string | null = D("0")): AliasMove => ({
    repository: DASSIE,
    alias: "latest",
    from: "x",
    expect,
    rank,
  });
  it("a move as planned, a recreated alias, a racer to rank against", () => {
    expect(decideAliasMove(move({ scheme: "semver", version: "5.0.1" }), { digest: D("0") }, D("1"))).toEqual({
      move: true,
      reason: `${DASSIE}:latest is as planned`,
    });
    expect(decideAliasMove(move({ scheme: "semver", version: "5.0.1" }), null, D("1"))).toEqual({
      move: true,
      reason: `${DASSIE}:latest was deleted since the plan; recreating it`,
    });
    expect(
      decideAliasMove(move({ scheme: "semver", version: "5.1.0" }), { digest: D("2"), version: "5.0.1" }, D("1")),
    ).toEqual({
      move: true,
      reason: `${DASSIE}:latest was moved by another run to an older 5.0.1; this run's version 5.1.0 is newer`,
    });
    // An equal rank from another run is not older: leave it.
    expect(
      decideAliasMove(move({ scheme: "semver", version: "5.1.0" }), { digest: D("2"), version: "5.1.0" }, D("1")),
    ).toEqual({
      move: false,
      reason: `${DASSIE}:latest was moved by another run to 5.1.0, not older than this run's version 5.1.0; leaving it`,
    });
    expect(
      decideAliasMove(
        move({ scheme: "nightly", date: "20261124" }),
        { digest: D("2"), version: "nightly-20261125" },
        D("1"),
      ).reason,
    ).toBe(
      `${DASSIE}:latest was moved by another run to nightly-20261125, not older than this run's nightly 20261124; ` +
        "leaving it",
    );
    expect(
      decideAliasMove(
        move({ scheme: "commit-time", created: "2026-11-24T00:00:00Z" }),
        { digest: D("2"), created: "2026-11-23T00:00:00Z" },
        D("1"),
      ).reason,
    ).toBe(
      `${DASSIE}:latest was moved by another run to an older a commit of 2026-11-23T00:00:00Z; this run's commit of ` +
        "2026-11-24T00:00:00Z is newer",
    );
    expect(decideAliasMove(move({ scheme: "semver", version: "5.1.0" }), { digest: D("2") }, D("1")).reason).toBe(
      `${DASSIE}:latest was moved by another run to something charthouse cannot rank against this run's version ` +
        "5.1.0; leaving it",
    );
  });

  it("an immutable name from another commit, or without a revision, says what to do by kind", () => {
    const without = (kind: "release" | "nightly" | "commit") =>
      decideImmutable("r:t", { digest: D("a") }, COMMIT, kind);
    expect(without("release")).toMatchObject({
      action: "refuse",
      reason: expect.stringMatching(/delete it from the registry if it is wrong, or release a new version$/),
    });
    expect(without("nightly")).toMatchObject({
      action: "refuse",
      reason: expect.stringMatching(/delete it from the registry if it is wrong$/),
    });
    expect(decideImmutable("r:t", { digest: D("a"), revision: OTHER_COMMIT }, COMMIT, "commit")).toMatchObject({
      reason:
        "r:t is already published from commit ffffeee, and this run builds 1a2b3c4; immutable tags are never " +
        "overwritten: a commit's tag names that commit only: delete the tag from the registry if it is wrong",
    });
  });

  it("summaries name the run", () => {
    expect(mustPlan({ kind: "release", tag: "v5.0.1" }).summary).toBe("release 5.0.1");
    expect(mustPlan({ kind: "push", branch: "main" }).summary).toBe("push to main");
    expect(mustPlan({ kind: "push", branch: "feature/x" }).summary).toBe(
      "push to feature/x (gates only: not the default branch)",
    );
    expect(mustPlan({ kind: "pull-request", number: 12 }).summary).toBe("pull request #12 (gates only)");
    expect(mustPlan({ kind: "pull-request" }).summary).toBe("pull request (gates only)");
  });

  it("a chart without appVersion carries none; a config without images or charts warns", () => {
    expect("appVersion" in mustPlan({ kind: "push", branch: "main" }, state().build(), cfg).charts[0]!).toBe(false);
    const packaging = commandSteps("package", mustPlan({ kind: "push", branch: "main" }, state().build(), cfg)).find(
      (s) => s.kind === "package-chart",
    )!;
    expect(describeStep(packaging)).toBe("package hyrax 3.7.4 (appVersion unset)");
    expect(mustPlan({ kind: "nightly" }, state().build(), config({ images: [], charts: [] })).warnings).toEqual([
      "charthouse.yaml declares no images and no charts: nothing to build or publish",
    ]);
    expect(mustPlan({ kind: "nightly" }, state().build(), config({ images: [], test: undefined })).warnings).toEqual(
      [],
    );
  });

  it("a chart-only release plans no test gate; an undeclared chart is named", () => {
    expect(mustPlan({ kind: "release", tag: "hyrax-chart-v3.7.4" }, state().build(), cfg).test).toBeUndefined();
    expect(mustRefuse({ kind: "release", tag: "solr-chart-v1.0.0" }, state().build(), cfg)).toEqual([
      'tag solr-chart-v1.0.0 releases chart "solr", which charthouse.yaml does not declare (charts: hyrax); tag one ' +
        "of them",
    ]);
  });

  it("cache keys are stable names of registry and path", () => {
    expect(cacheKey("ghcr.io/samvera", "/usr/local/bundle/")).toBe("charthouse-ghcr.io-samvera-usr-local-bundle");
    expect(cacheKey("127.0.0.1:5000/x", "/a//b")).toBe("charthouse-127.0.0.1-5000-x-a-b");
    expect(cacheKey("ghcr.io/x", "/data-/")).toBe("charthouse-ghcr.io-x-data");
  });

  it("the project itself is '.' as a build context", () => {
    expect(mustPlan({ kind: "nightly" }).images[0]!.build).toMatchObject({ context: ".", dockerfile: "Dockerfile" });
  });
});

describe("details the mutation run found unasserted", () => {
  it("an images-only project plans no warning; a project of nothing does", () => {
    expect(mustPlan({ kind: "release", tag: "v5.0.1" }, state().build(), config({ charts: [] })).warnings).toEqual([]);
    expect(
      mustPlan({ kind: "nightly" }, state().build(), config({ images: [], charts: [], test: undefined })).warnings,
    ).toEqual(["charthouse.yaml declares no images and no charts: nothing to build or publish"]);
  });

  it("a pull request without a number has no number, not an undefined one", async () => {
    const { resolveTrigger } = await import("../../../src/plan/trigger.js");
    expect(resolveTrigger(config(), context({ kind: "pull-request" }))).toStrictEqual({
      ok: true,
      trigger: { kind: "pull-request" },
    });
    expect(resolveTrigger(config(), context({ kind: "pull-request", number: 12 }))).toStrictEqual({
      ok: true,
      trigger: { kind: "pull-request", number: 12 },
    });
  });

  it("a chart tag of a project with no charts says so", () => {
    expect(mustRefuse({ kind: "release", tag: "solr-chart-v1.0.0" }, state().build(), config({ charts: [] }))).toEqual([
      'tag solr-chart-v1.0.0 releases chart "solr", which charthouse.yaml does not declare (charts: none); tag one ' +
        "of them",
    ]);
    expect(
      mustRefuse(
        { kind: "release", tag: "solr-chart-v1.0.0" },
        state().build(),
        config({ charts: [chart("hyrax", "3.7.4"), chart("updater", "0.1.0")] }),
      ),
    ).toEqual([
      'tag solr-chart-v1.0.0 releases chart "solr", which charthouse.yaml does not declare (charts: hyrax, updater); ' +
        "tag one of them",
    ]);
  });

  it("a registry state whose repositories, or a repository's tags, are a list is refused", () => {
    expect(() => parseRegistryState(JSON.stringify({ version: 1, repositories: [] }), "s.json")).toThrow(
      /^s\.json: repositories must be an object\./,
    );
    expect(() => parseRegistryState(JSON.stringify({ version: 1, repositories: null }), "s.json")).toThrow(
      /^s\.json: repositories must be an object\./,
    );
    expect(() =>
      parseRegistryState(JSON.stringify({ version: 1, repositories: { "ghcr.io/x/dassie": [] } }), "s.json"),
    ).toThrow(/^s\.json: repositories\["ghcr\.io\/x\/dassie"\] must be an object of tags\./);
  });
});
