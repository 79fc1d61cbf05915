import semver from "semver";
import { nightlyStampOf } from "./formats.js";
import { recordOf } from "./registry-state.js";
import { compareTexts, SCHEMES } from "./version-schemes.js";
import type { LISTED, TagRecord } from "../registry/types.js";
import type { AliasMove, AliasRank } from "./types.js";

/**
 * The compare-and-set moves for `aliases`, dropping those that already hold
 * `knownDigest` (the immutable tag's digest when it was published before).
 */
export function planAliasMoves(
  repository: string,
  from: string,
  aliases: readonly string[],
  rank: AliasRank,
  tags: Readonly<Record<string, TagRecord | typeof LISTED>>,
  knownDigest: string | undefined,
): AliasMove[] {
  const digestOf = (alias: string) => recordOf(tags, alias, repository)?.digest;
  // An alias that holds a newer artifact than this run's stays: aliases never go backwards, as planned nor when moved.
  const newer = (alias: string) => {
    const current = recordOf(tags, alias, repository);
    return current !== undefined && (compareRank(rank, current) ?? 0) < 0;
  };
  return aliases
    .filter((alias) => (knownDigest === undefined || digestOf(alias) !== knownDigest) && !newer(alias))
    .map((alias) => ({ repository, alias, from, expect: digestOf(alias) ?? null, rank }));
}

export type AliasDecision =
  { readonly move: true; readonly reason: string } | { readonly move: false; readonly reason: string };

/**
 * Decides, just before moving, whether `move` still should: yes when the alias still
 * holds what the plan saw; when another run moved it meanwhile, only if this run's
 * artifact ranks at least as high as what the alias holds now — aliases never go backwards.
 */
export function decideAliasMove(move: AliasMove, current: TagRecord | null, target: string): AliasDecision {
  const ref = `${move.repository}:${move.alias}`;
  if (current?.digest === target) return { move: false, reason: `${ref} already holds ${target}` };
  if ((current?.digest ?? null) === move.expect) return { move: true, reason: `${ref} is as planned` };
  if (current === null) return { move: true, reason: `${ref} was deleted since the plan; recreating it` };
  const comparison = compareRank(move.rank, current);
  if (comparison === undefined) {
    return {
      move: false,
      reason:
        `${ref} was moved by another run to something charthouse cannot rank against this run's ` +
        `${describeRank(move.rank)}; leaving it`,
    };
  }
  return comparison > 0
    ? {
        move: true,
        reason:
          `${ref} was moved by another run to an older ${describeCurrent(move.rank, current)}; this run's ` +
          `${describeRank(move.rank)} is newer`,
      }
    : {
        move: false,
        reason:
          `${ref} was moved by another run to ${describeCurrent(move.rank, current)}, not older than this ` +
          `run's ${describeRank(move.rank)}; leaving it`,
      };
}

/** >0 when `rank` is newer than what `current` holds; undefined when `current` cannot be ranked. */
function compareRank(rank: AliasRank, current: TagRecord): number | undefined {
  switch (rank.scheme) {
    case "semver": {
      const theirs = current.version && semver.valid(current.version);
      return theirs ? semver.compare(rank.version, theirs) : undefined;
    }
    case "nightly": {
      const theirs = nightlyStampOf(current.version);
      return theirs ? rank.date.localeCompare(theirs) : undefined;
    }
    case "commit-time": {
      const theirs = current.created ? Date.parse(current.created) : NaN;
      return Number.isNaN(theirs) ? undefined : Math.sign(Date.parse(rank.created) - theirs);
    }
    default:
      return compareTexts(SCHEMES[rank.scheme], rank.version, current.version);
  }
}

function describeRank(rank: AliasRank): string {
  if (rank.scheme === "nightly") return `nightly ${rank.date}`;
  if (rank.scheme === "commit-time") return `commit of ${rank.created}`;
  return `version ${rank.version}`;
}

function describeCurrent(rank: AliasRank, current: TagRecord): string {
  return rank.scheme === "commit-time" ? `a commit of ${current.created}` : `${current.version}`;
}
