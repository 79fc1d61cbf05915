import { describe, expect, it } from "vitest";
import { inspectionTargets, parseRegistryState } from "../../../src/plan/index.js";
import { COMMIT, config, context } from "../../kit/builders.js";

const D = (c: string) => `sha256:${c.repeat(64)}`;
const DASSIE = "ghcr.io/samvera/dassie";

describe("what the registry state reader must inspect (one list for reader and planner)", () => {
  const names = new Map([
    [DASSIE, ["5.0.0", "latest", "5"]],
    ["ghcr.io/samvera/charts/hyrax", ["3.7.3"]],
  ]);
  it.each([
    [
      "nightly",
      { kind: "nightly" } as const,
      { [DASSIE]: ["nightly-20261124", "nightly"], "ghcr.io/samvera/charts/hyrax": ["3.7.4-nightly.20261124"] },
    ],
    [
      "release",
      { kind: "release", tag: "v5.0.1" } as const,
      { [DASSIE]: ["5.0.1", "5.0", "5", "latest"], "ghcr.io/samvera/charts/hyrax": ["3.7.4"] },
    ],
    [
      "chart release",
      { kind: "release", tag: "hyrax-chart-v3.7.4" } as const,
      { "ghcr.io/samvera/charts/hyrax": ["3.7.4"] },
    ],
    [
      "push to main",
      { kind: "push", branch: "main" } as const,
      { [DASSIE]: [`sha-${COMMIT.slice(0, 7)}`, "main"], "ghcr.io/samvera/charts/hyrax": ["3.7.4"] },
    ],
    ["pull request", { kind: "pull-request" } as const, { "ghcr.io/samvera/charts/hyrax": ["3.7.4"] }],
  ])("%s", (_, event, expected) => {
    expect(Object.fromEntries(inspectionTargets(config(), context(event), names))).toEqual(expected);
  });
});

describe("a saved registry state is read strictly", () => {
  const ok = { version: 1, repositories: { [DASSIE]: { "5.0.0": { digest: D("a"), revision: COMMIT } } } };
  it("reads a valid file", () => {
    expect(parseRegistryState(JSON.stringify(ok), "s.json")).toEqual({ repositories: ok.repositories });
  });
  it.each([
    ["not JSON", "{", /^s\.json: not JSON \(.*\)\. Write it by hand/],
    ["the top level", "[]", /^s\.json: the top level must be an object\. Expected \{"version": 1/],
    ["the version", JSON.stringify({ version: 2, repositories: {} }), /^s\.json: version must be 1 \(found 2\)\./],
    ["repositories", JSON.stringify({ version: 1, repositories: [] }), /^s\.json: repositories must be an object\./],
    [
      "a repository",
      JSON.stringify({ version: 1, repositories: { r: 1 } }),
      /^s\.json: repositories\["r"\] must be an object of tags\./,
    ],
    [
      "a record",
      JSON.stringify({ version: 1, repositories: { r: { t: 1 } } }),
      /^s\.json: repositories\["r"\]\["t"\] must be an object\./,
    ],
    [
      "a digest with a prefix",
      JSON.stringify({ version: 1, repositories: { r: { t: { digest: `x${D("a")}` } } } }),
      /\.digest must be sha256:<64 hex>/,
    ],
    [
      "a digest with a suffix",
      JSON.stringify({ version: 1, repositories: { r: { t: { digest: `${D("a")}x` } } } }),
      /\.digest must be sha256:<64 hex>/,
    ],
    [
      "a revision that is no string",
      JSON.stringify({ version: 1, repositories: { r: { t: { digest: D("a"), revision: 1 } } } }),
      /\["t"\]\.revision must be a string/,
    ],
  ])("refuses %s", (_, text, message) => {
    expect(() => parseRegistryState(text, "s.json")).toThrow(message);
  });
});

describe("a registry state file that is not JSON, or not the shape", () => {
  it("says how to write one, naming no command that does not exist, and keeps JSON's own error as the cause", () => {
    const thrown = (() => {
      try {
        parseRegistryState("{", "state.json");
      } catch (error) {
        return error as Error;
      }
    })();
    expect(thrown?.message).toMatch(/state\.json: not JSON .*use charthouse plan --online/);
    expect(thrown?.message).not.toMatch(/charthouse state/);
    expect(thrown?.cause).toBeInstanceOf(SyntaxError);
  });
  it("shows the shape it expects", () => {
    expect(() => parseRegistryState("[]", "s.json")).toThrow(
      's.json: the top level must be an object. Expected {"version": 1, "repositories": {"<registry>/<repo>": ' +
        '{"<tag>": {"digest": "sha256:…", "revision": "<commit>"}}}}.',
    );
  });
});
