import { describe, expect, it } from "vitest";
import { decideAliasMove, type AliasMove } from "../../../src/plan/index.js";
import type { TagRecord } from "../../../src/registry/index.js";
import { settleDelay } from "../../../src/release/index.js";

const D = (c: string) => `sha256:${c.repeat(64)}`;
const REPO = "ghcr.io/samvera/dassie";

function move(rank: AliasMove["rank"], expect: string | null = D("0")): AliasMove {
  return { repository: REPO, alias: "latest", from: "x", expect, rank };
}

describe("compare-and-set alias moves", () => {
  it("moves when the alias still holds what the plan saw", () => {
    expect(
      decideAliasMove(move({ scheme: "semver", version: "5.0.1" }), { digest: D("0"), version: "5.0.0" }, D("1")).move,
    ).toBe(true);
  });

  it("moves when the alias is absent as planned", () => {
    expect(decideAliasMove(move({ scheme: "semver", version: "5.0.1" }, null), null, D("1")).move).toBe(true);
  });

  it("does nothing when the alias already holds the target", () => {
    const d = decideAliasMove(move({ scheme: "semver", version: "5.0.1" }), { digest: D("1") }, D("1"));
    expect(d).toEqual({ move: false, reason: `${REPO}:latest already holds ${D("1")}` });
  });

  // Two release runs race; whichever finishes last, latest ends at the higher version.
  it.each([
    { order: "5.1.0 then 5.0.1", first: "5.1.0", second: "5.0.1", final: "5.1.0" },
    { order: "5.0.1 then 5.1.0", first: "5.0.1", second: "5.1.0", final: "5.1.0" },
  ])("racing releases, $order, end at $final", ({ first, second, final }) => {
    const digests: Record<string, string> = { "5.0.0": D("0"), "5.0.1": D("a"), "5.1.0": D("b") };
    let alias: TagRecord = { digest: digests["5.0.0"]!, version: "5.0.0" };
    // Both planned while latest was 5.0.0.
    for (const version of [first, second]) {
      const decision = decideAliasMove(
        move({ scheme: "semver", version }, digests["5.0.0"]!),
        alias,
        digests[version]!,
      );
      if (decision.move) alias = { digest: digests[version]!, version };
    }
    expect(alias.version).toBe(final);
  });

  it.each([
    {
      name: "semver: another run moved it higher",
      rank: { scheme: "semver", version: "5.0.1" } as const,
      current: { digest: D("b"), version: "5.1.0" },
      moves: false,
    },
    {
      name: "semver: another run moved it lower",
      rank: { scheme: "semver", version: "5.1.0" } as const,
      current: { digest: D("b"), version: "5.0.1" },
      moves: true,
    },
    {
      name: "nightly: a later nightly got there first",
      rank: { scheme: "nightly", date: "20261124" } as const,
      current: { digest: D("b"), version: "nightly-20261125" },
      moves: false,
    },
    {
      name: "nightly: an older nightly got there",
      rank: { scheme: "nightly", date: "20261124" } as const,
      current: { digest: D("b"), version: "nightly-20261123" },
      moves: true,
    },
    {
      name: "branch: a newer commit got there",
      rank: { scheme: "commit-time", created: "2026-11-24T10:00:00Z" } as const,
      current: { digest: D("b"), created: "2026-11-24T11:00:00Z" },
      moves: false,
    },
    {
      name: "branch: an older commit got there",
      rank: { scheme: "commit-time", created: "2026-11-24T10:00:00Z" } as const,
      current: { digest: D("b"), created: "2026-11-24T09:00:00Z" },
      moves: true,
    },
    {
      name: "unrankable: left alone",
      rank: { scheme: "semver", version: "5.1.0" } as const,
      current: { digest: D("b") },
      moves: false,
    },
    {
      name: "deleted meanwhile: recreated",
      rank: { scheme: "semver", version: "5.1.0" } as const,
      current: null,
      moves: true,
    },
  ])("$name", ({ rank, current, moves }) => {
    const decision = decideAliasMove(move(rank), current, D("c"));
    expect(decision.move).toBe(moves);
    expect(decision.reason).toContain(`${REPO}:latest`);
  });
});

describe("how long a run waits before re-reading its aliases", () => {
  const outcome = (windowMs: number) => ({
    move: move({ scheme: "semver", version: "1.0.0" }),
    moved: true,
    reason: "",
    digest: D("1"),
    windowMs,
  });
  it.each([
    { windows: [5, 20], expected: 60, why: "three times the longest window, for a fast local registry too" },
    { windows: [2, 3], expected: 25, why: "a floor for timer jitter" },
    { windows: [150, 300], expected: 900, why: "three times the longest window seen" },
    { windows: [5000], expected: 2000, why: "never more than two seconds" },
  ])("$why: $expected ms", ({ windows, expected }) => {
    expect(settleDelay(windows.map(outcome), { rounds: 1 })).toBe(expected);
  });
  it("an explicit delay wins", () => {
    expect(settleDelay([outcome(5000)], { rounds: 1, settleMs: 10 })).toBe(10);
  });
});
