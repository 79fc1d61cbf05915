import semver from "semver";
import { isNightlyPrerelease, tagToVersion } from "../plan/formats.js";

/** Which versions a release follows. */
export type SyncPolicy =
  { readonly kind: "stable" } | { readonly kind: "nightly" } | { readonly kind: "range"; readonly range: string };

/** `stable`, `nightly`, or a semver range (`~5.0`, `^5`, `>=3.7 <4`). */
export function parsePolicy(text: string): SyncPolicy | undefined {
  if (text === "stable") return { kind: "stable" };
  if (text === "nightly") return { kind: "nightly" };
  return text.trim() !== "" && semver.validRange(text) ? { kind: "range", range: text } : undefined;
}

export function describePolicy(policy: SyncPolicy): string {
  return policy.kind === "range" ? `range ${policy.range}` : policy.kind;
}

/** Whether `version` is one the policy follows. */
export function allowedBy(policy: SyncPolicy, version: string): boolean {
  const pre = semver.prerelease(version);
  switch (policy.kind) {
    case "stable":
      return pre === null;
    case "nightly":
      return isNightlyPrerelease(pre);
    case "range":
      return semver.satisfies(version, policy.range);
  }
}

export interface Selection {
  /** Versions to try, newest first: each allowed, not skipped, newer than the deployed one. */
  readonly candidates: readonly { readonly version: string; readonly tag: string }[];
  /** The newest allowed version found at all (whether or not newer than the deployed one). */
  readonly newest?: string;
}

/**
 * The versions a sync may install, newest first. Never one lower than or equal to the
 * deployed version, never a skipped one; tags that are not semver (`latest`, `nightly`)
 * are ignored, and helm's `_` for `+` is read back.
 */
export function selectVersions(input: {
  tags: readonly string[];
  policy: SyncPolicy;
  deployed?: string;
  skip?: readonly string[];
}): Selection {
  const skip = new Set(input.skip ?? []);
  const allowed = input.tags
    .map((tag) => ({ tag, version: tagToVersion(tag) }))
    .filter((c): c is { tag: string; version: string } => c.version !== undefined && allowedBy(input.policy, c.version))
    .sort((a, b) => semver.rcompare(a.version, b.version));
  const candidates = allowed.filter(
    (c) => !skip.has(c.version) && (input.deployed === undefined || semver.gt(c.version, input.deployed)),
  );
  return { candidates, ...(allowed[0] ? { newest: allowed[0].version } : {}) };
}
