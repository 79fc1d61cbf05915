import type { Config } from "../config/types.js";
import type { RunContext } from "../context/types.js";
import { inspectionTargets } from "../plan/plan-release.js";
import { LISTED, type RegistryState, type TagRecord } from "../plan/types.js";
import type { RegistryClient } from "./client.js";
import { readTag } from "./read-tag.js";

/**
 * What the registry holds that this run's plan depends on: every tag name of every
 * repository the run publishes to, and the digest and revision of just the tags it
 * would write (its immutable names and aliases), named by the planner's own
 * `inspectionTargets`. The others are recorded as LISTED: the planner reads only their names.
 */
export async function readRegistryState(client: RegistryClient, config: Config, context: RunContext): Promise<RegistryState> {
  const repositories = repositoriesOf(config);
  const names = new Map<string, string[]>();
  for (const repository of repositories) names.set(repository, await client.listTags(repository));
  const targets = inspectionTargets(config, context, names);
  const state: Record<string, Record<string, TagRecord | typeof LISTED>> = {};
  for (const [repository, tags] of names) {
    const records: Record<string, TagRecord | typeof LISTED> = {};
    for (const tag of tags) records[tag] = LISTED;
    for (const tag of targets.get(repository) ?? []) {
      if (!tags.includes(tag)) continue;
      const record = await readTag(client, repository, tag);
      if (record) records[tag] = record;
    }
    state[repository] = records;
  }
  return { repositories: state };
}

export function repositoriesOf(config: Config): string[] {
  return [
    ...config.images.map((i) => `${config.registry}/${i.repository}`),
    ...config.charts.map((c) => `${config.registry}/${c.repository}/${c.name}`),
  ];
}
