import { ConfigError } from "../errors.js";
import { LISTED, type RegistryState, type TagRecord } from "../registry/types.js";

export const EMPTY_STATE: RegistryState = { repositories: {} };

/** The tags a repository holds; an unknown repository holds none. */
export function tagsOf(state: RegistryState, repository: string): Readonly<Record<string, TagRecord | typeof LISTED>> {
  return state.repositories[repository] ?? {};
}

/**
 * The record of a tag the plan reads: undefined when the registry does not hold it. A tag
 * listed but not inspected is a bug in whoever read the state (it must inspect every
 * tag `inspectionTargets` names), never a quiet empty digest.
 */
export function recordOf(
  tags: Readonly<Record<string, TagRecord | typeof LISTED>>,
  tag: string,
  repository: string,
): TagRecord | undefined {
  const entry = tags[tag];
  if (entry === LISTED)
    throw new Error(`bug: the registry state lists ${repository}:${tag} but did not inspect it, and the plan reads it`);
  return entry;
}

/**
 * Reads a registry state file (`--registry-state`):
 * `{"version": 1, "repositories": {"ghcr.io/x/y": {"5.0.1": {"digest": "sha256:…", "revision": "…"}}}}`.
 */
export function parseRegistryState(text: string, file: string): RegistryState {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (cause) {
    throw new ConfigError(
      `${file}: not JSON (${(cause as Error).message}). Write it by hand in the shape below, or use charthouse plan ` +
        "--online to read the registry itself.",
      { cause },
    );
  }
  const fail = (where: string, what: string): never => {
    throw new ConfigError(
      `${file}: ${where} ${what}. Expected {"version": 1, "repositories": {"<registry>/<repo>": {"<tag>": {"digest": ` +
        '"sha256:…", "revision": "<commit>"}}}}.',
    );
  };
  if (!isObject(data)) return fail("the top level", "must be an object");
  if (data.version !== 1) fail("version", `must be 1 (found ${JSON.stringify(data.version)})`);
  if (!isObject(data.repositories)) return fail("repositories", "must be an object");
  const repositories: Record<string, Record<string, TagRecord>> = {};
  for (const [repo, tags] of Object.entries(data.repositories)) {
    if (!isObject(tags)) return fail(`repositories["${repo}"]`, "must be an object of tags");
    repositories[repo] = {};
    for (const [tag, record] of Object.entries(tags)) {
      const where = `repositories["${repo}"]["${tag}"]`;
      if (!isObject(record)) return fail(where, "must be an object");
      if (typeof record.digest !== "string" || !/^sha256:[0-9a-f]{64}$/.test(record.digest))
        fail(`${where}.digest`, "must be sha256:<64 hex>");
      for (const key of ["revision", "version", "created"] as const) {
        if (record[key] !== undefined && typeof record[key] !== "string") fail(`${where}.${key}`, "must be a string");
      }
      repositories[repo][tag] = record as unknown as TagRecord;
    }
  }
  return { repositories };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
