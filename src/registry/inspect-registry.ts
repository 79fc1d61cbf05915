import type { RegistryClient } from "./client.js";
import { readTag } from "./read-tag.js";
import { LISTED, type RegistryState, type TagRecord } from "./types.js";

/** Given every tag name the repositories list, the tags to inspect (digest and revision), per repository. */
export type InspectionTargets = (
  tagNames: ReadonlyMap<string, readonly string[]>,
) => ReadonlyMap<string, readonly string[]>;

/**
 * What the registry holds of `repositories`: every tag name of each, and the digest and
 * revision of just the tags `targets` names from those names (the caller's: a run's
 * planner names its immutable names and aliases). The others are recorded as LISTED: their
 * names only.
 */
export async function inspectRegistry(
  client: RegistryClient,
  repositories: readonly string[],
  targets: InspectionTargets,
): Promise<RegistryState> {
  const names = new Map<string, string[]>();
  for (const repository of repositories) names.set(repository, await client.listTags(repository));
  const inspect = targets(names);
  const state: Record<string, Record<string, TagRecord | typeof LISTED>> = {};
  for (const [repository, tags] of names) {
    const records: Record<string, TagRecord | typeof LISTED> = {};
    for (const tag of tags) records[tag] = LISTED;
    for (const tag of inspect.get(repository) ?? []) {
      if (!tags.includes(tag)) continue;
      const record = await readTag(client, repository, tag);
      if (record) records[tag] = record;
    }
    state[repository] = records;
  }
  return { repositories: state };
}
