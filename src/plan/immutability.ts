import { shortCommit } from "./formats.js";
import type { TagRecord } from "../registry/types.js";

export type ImmutableDecision =
  | { readonly action: "push" }
  | { readonly action: "skip"; readonly digest: string }
  | { readonly action: "refuse"; readonly reason: string };

/**
 * An immutable name is never overwritten. Builds are not byte-reproducible, so the
 * source revision, not the digest, tells a rerun (skip) from a conflict (refuse).
 */
/** What to do instead of overwriting: depends on what the name is. */
export type ImmutableKind = "release" | "nightly" | "commit";

const INSTEAD: Record<ImmutableKind, string> = {
  release: "release a new version (bump it) instead",
  nightly:
    "a nightly is one per day: let the next day's run publish, or delete the tag from the registry if it is wrong",
  commit: "a commit's tag names that commit only: delete the tag from the registry if it is wrong",
};

export function decideImmutable(
  reference: string,
  existing: TagRecord | undefined,
  commit: string,
  kind: ImmutableKind = "release",
): ImmutableDecision {
  if (!existing) return { action: "push" };
  if (existing.revision === commit) return { action: "skip", digest: existing.digest };
  if (existing.revision === undefined) {
    return {
      action: "refuse",
      reason:
        `${reference} is already published without a revision label, so charthouse cannot tell it came from ` +
        `${shortCommit(commit)}; immutable tags are never overwritten: delete it from the registry if it is ` +
        `wrong${kind === "release" ? ", or release a new version" : ""}`,
    };
  }
  return {
    action: "refuse",
    reason:
      `${reference} is already published from commit ${shortCommit(existing.revision)}, and this run builds ` +
      `${shortCommit(commit)}; immutable tags are never overwritten: ${INSTEAD[kind]}`,
  };
}
