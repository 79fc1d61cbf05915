import { LineCounter, parseDocument } from "yaml";
import { describe, expect, it } from "vitest";
import { listStages } from "../../../src/config/index.js";
import { didYouMean, editDistance } from "../../../src/config/did-you-mean.js";
import { formatFieldPath, locate, pointerToPath } from "../../../src/config/positions.js";
import { detectContext, httpsUrl } from "../../../src/context/index.js";
import { describePolicy, parsePolicy, selectVersions } from "../../../src/updater/index.js";

// Details of config, context and version selection that each break under a mutation
// (npm run mutation, docs/mutation.md).
const SHA = "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d";
const NOW = new Date("2026-11-24T03:00:00Z");

describe("edit distance and did-you-mean", () => {
  it.each([
    ["", "", 0], ["a", "", 1], ["", "abc", 3], ["kitten", "sitting", 3], ["ab", "ba", 1], ["abcd", "acbd", 1], ["abc", "abc", 0], ["ca", "abc", 3], ["a", "b", 1],
  ])("%s ~ %s = %i", (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });

  it("takes the closest within a third of the word (at least 2), case aside", () => {
    expect(didYouMean("imagse", ["images", "charts"])).toBe("images");
    expect(didYouMean("IMAGES", ["images"])).toBe("images");
    expect(didYouMean("ab", ["abcd"])).toBe("abcd");
    expect(didYouMean("ab", ["abcde"])).toBeUndefined();
    expect(didYouMean("dasie", ["dassie", "dasie-x"])).toBe("dassie");
    expect(didYouMean("abcdef", ["abcxyz"])).toBeUndefined();
    expect(didYouMean("abcdefghi", ["abcdefxyz"])).toBe("abcdefxyz");
    // The first of equally close candidates wins.
    expect(didYouMean("abx", ["aby", "abz"])).toBe("aby");
    expect(didYouMean("x", [])).toBeUndefined();
  });

  it("gives no hint for words longer than 64 characters, or against such candidates", () => {
    expect(didYouMean("a".repeat(64), ["a".repeat(63)])).toBe("a".repeat(63));
    expect(didYouMean("a".repeat(65), ["a".repeat(65)])).toBeUndefined();
    expect(didYouMean("a".repeat(63), ["a".repeat(65)])).toBeUndefined();
  });
});

describe("Dockerfile stages", () => {
  it("reads FROM … AS name, with flags, any case and spacing, and nothing else", () => {
    const text = [
      "FROM ruby:3 AS base",
      "  from --platform=$BUILDPLATFORM  node:20   as  assets  ",
      "FROM base AS app.web_1",
      "FROM    base   AS spaced",
      "FROM base",
      "# FROM base AS commented",
      "FROM base AS -bad",
      "RUN echo FROM x AS y",
      "FROMbase AS glued",
    ].join("\n");
    expect(listStages(text)).toEqual(["base", "assets", "app.web_1", "spaced"]);
  });
});

describe("positions", () => {
  it("turns JSON pointers into paths, unescaping ~1 and ~0, numbers as indexes", () => {
    expect(pointerToPath("")).toEqual([]);
    expect(pointerToPath("/images/10/build~1args/a~0b/1x")).toEqual(["images", 10, "build/args", "a~b", "1x"]);
  });

  it("locates a value, a key, and a missing item's nearest parent", () => {
    const lines = new LineCounter();
    const doc = parseDocument("images:\n  - name: a\n    target: b\n", { lineCounter: lines });
    expect(locate(doc, lines, ["images", 0, "target"])).toEqual({ line: 3, column: 13 });
    expect(locate(doc, lines, ["images", 0, "target"], { key: true })).toEqual({ line: 3, column: 5 });
    expect(locate(doc, lines, ["images", 5, "target"])).toEqual({ line: 2, column: 3 });
    expect(formatFieldPath(["images", 0, "pins", 1, "tag"])).toBe("images[0].pins[1].tag");
    expect(formatFieldPath([])).toBe("(top level)");
  });
});

describe("context details", () => {
  const run = (flags: object, env: Record<string, string> = {}) => detectContext({ flags: { sha: SHA, ...flags }, env, now: NOW });
  it.each([
    [{ nightly: true, branch: "main" }, /--nightly and --branch name different runs/],
    [{ tag: "v1.0.0", pr: 3 }, /--tag and --pr name different runs/],
    [{ branch: "  " }, /--branch needs a branch name, e.g. --branch main/],
    [{ tag: " " }, /--tag needs a git tag/],
    [{ sha: `x${SHA.slice(1)}` }, /not a full commit hash/],
    [{ sha: `${SHA}0` }, /not a full commit hash/],
    [{ date: "x2026-11-24" }, /not a calendar date/],
    [{ date: "2026-11-24x" }, /not a calendar date/],
  ])("refuses %j", (flags, message) => {
    expect(() => run(flags)).toThrow(message);
  });

  it("accepts --pr false as no pull request, and 1970-01-01 as a date", () => {
    expect(run({ pr: false }).event).toEqual({ kind: "local" });
    expect(run({ date: "1970-01-01" }).date).toBe("1970-01-01");
  });

  it("reads CircleCI's pull request URL, GitHub's pull_request_target and source", () => {
    expect(run({}, { CIRCLECI: "true", CIRCLE_PULL_REQUEST: "https://github.com/samvera/hyrax/pull/42" }).event).toEqual({ kind: "pull-request", number: 42 });
    expect(run({}, { CIRCLECI: "true", CIRCLE_PULL_REQUEST: "https://github.com/samvera/hyrax/pull/42/files" }).event).toEqual({ kind: "pull-request" });
    const gh = { GITHUB_ACTIONS: "true", GITHUB_EVENT_NAME: "pull_request_target", GITHUB_REF: "refs/pull/7/merge" };
    expect(run({}, gh).event).toEqual({ kind: "pull-request", number: 7 });
    expect(run({}, { ...gh, GITHUB_REF: "xrefs/pull/7/merge" }).event).toEqual({ kind: "pull-request" });
    expect(run({}, { GITHUB_ACTIONS: "true", GITHUB_EVENT_NAME: "push", GITHUB_REF: "refs/notes/x" }).event).toEqual({ kind: "local" });
    expect(run({}, { GITHUB_ACTIONS: "true", GITHUB_SERVER_URL: "https://github.com" }).source).toBeUndefined();
    expect(run({}, { GITHUB_ACTIONS: "true", GITHUB_REPOSITORY: "samvera/hyrax" }).source).toBeUndefined();
    expect(run({}, { GITHUB_ACTIONS: "true", GITHUB_SERVER_URL: "https://github.com", GITHUB_REPOSITORY: "samvera/hyrax" }).source).toBe("https://github.com/samvera/hyrax");
  });

  it("turns git remotes into https URLs", () => {
    expect(httpsUrl("git@github.com:samvera/hyrax.git")).toBe("https://github.com/samvera/hyrax");
    expect(httpsUrl("git@github.com:samvera/hyrax")).toBe("https://github.com/samvera/hyrax");
    expect(httpsUrl("xgit@github.com:samvera/hyrax.git")).toBe("xgit@github.com:samvera/hyrax");
    expect(httpsUrl("https://github.com/samvera/hyrax.git")).toBe("https://github.com/samvera/hyrax");
    expect(httpsUrl("https://github.com/samvera/hyrax.github.io")).toBe("https://github.com/samvera/hyrax.github.io");
    expect(httpsUrl(undefined)).toBeUndefined();
  });
});

describe("version selection details", () => {
  it("describes and parses policies", () => {
    expect(describePolicy({ kind: "range", range: "~5.0" })).toBe("range ~5.0");
    expect(describePolicy({ kind: "stable" })).toBe("stable");
    expect(parsePolicy("   ")).toBeUndefined();
    expect(parsePolicy("~5.0")).toEqual({ kind: "range", range: "~5.0" });
  });

  it("skips nothing when told nothing", () => {
    expect(selectVersions({ tags: ["5.0.0", "5.1.0"], policy: { kind: "stable" } }).candidates.map((c) => c.version)).toEqual(["5.1.0", "5.0.0"]);
  });
});
