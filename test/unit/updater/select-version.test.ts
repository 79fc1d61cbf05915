import { describe, expect, it } from "vitest";
import { describePolicy, parseControls, parsePolicy, selectVersions } from "../../../src/updater/index.js";

const TAGS = [
  "4.9.9",
  "5.0.0",
  "5.0.1",
  "5.0.2",
  "5.1.0-rc.1",
  "5.1.0",
  "5.1.1-nightly.20261123",
  "5.1.1-nightly.20261124",
  "6.0.0-beta.1",
  "5.2.0_build.7",
  "latest",
  "nightly",
  "sha-abc1234",
];

describe("which version a policy follows", () => {
  it.each([
    { policy: "stable", deployed: undefined, expected: "5.2.0+build.7" },
    { policy: "nightly", deployed: undefined, expected: "5.1.1-nightly.20261124" },
    { policy: "~5.0", deployed: undefined, expected: "5.0.2" },
    { policy: "^5", deployed: undefined, expected: "5.2.0+build.7" },
    { policy: "5.1.x", deployed: undefined, expected: "5.1.0" },
    { policy: "^4", deployed: undefined, expected: "4.9.9" },
    { policy: "stable", deployed: "5.2.0+build.7", expected: undefined },
    { policy: "~5.0", deployed: "5.0.2", expected: undefined },
    { policy: "nightly", deployed: "5.1.1-nightly.20261124", expected: undefined },
  ])("$policy with $deployed deployed → $expected", ({ policy, deployed, expected }) => {
    const selection = selectVersions({ tags: TAGS, policy: parsePolicy(policy)!, deployed });
    expect(selection.candidates[0]?.version).toBe(expected);
  });

  it("never offers a version lower than the deployed one, even when the policy allows only lower ones", () => {
    expect(selectVersions({ tags: TAGS, policy: parsePolicy("~5.0")!, deployed: "5.1.0" }).candidates).toEqual([]);
  });

  it("leaves out skipped versions and falls back to the next", () => {
    const selection = selectVersions({ tags: TAGS, policy: parsePolicy("~5.0")!, deployed: "5.0.0", skip: ["5.0.2"] });
    expect(selection.candidates.map((c) => c.version)).toEqual(["5.0.1"]);
  });

  it("keeps the tag a version is stored under (helm's _ for +)", () => {
    expect(selectVersions({ tags: TAGS, policy: parsePolicy("stable")! }).candidates[0]).toEqual({
      version: "5.2.0+build.7",
      tag: "5.2.0_build.7",
    });
  });

  it.each(["", "five", "latest"])("refuses the policy %j", (text) => expect(parsePolicy(text)).toBeUndefined());

  it.each([
    [undefined, { hold: false, skip: [] }],
    [
      { hold: "true", skip: "5.0.2, 5.0.3" },
      { hold: true, skip: ["5.0.2", "5.0.3"] },
    ],
    [{ hold: "no" }, { hold: false, skip: [] }],
  ])("controls %j", (data, expected) => expect(parseControls(data)).toEqual(expected));
});

describe("the newest version a policy allows, installed or not", () => {
  it("is told even when nothing is newer than what is deployed, or it is skipped", () => {
    expect(selectVersions({ tags: TAGS, policy: parsePolicy("~5.0")!, deployed: "5.0.2" })).toStrictEqual({
      candidates: [],
      newest: "5.0.2",
    });
    expect(
      selectVersions({ tags: TAGS, policy: parsePolicy("~5.0")!, deployed: "5.0.1", skip: ["5.0.2"] }),
    ).toStrictEqual({ candidates: [], newest: "5.0.2" });
    expect(selectVersions({ tags: ["latest"], policy: parsePolicy("stable")! })).toStrictEqual({ candidates: [] });
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
    expect(
      selectVersions({ tags: ["5.0.0", "5.1.0"], policy: { kind: "stable" } }).candidates.map((c) => c.version),
    ).toEqual(["5.1.0", "5.0.0"]);
  });
});
