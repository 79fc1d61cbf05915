import { ConfigError } from "../errors.js";
import type { RegistryClient } from "./client.js";

export interface PreflightResult {
  readonly repository: string;
  readonly ok: boolean;
  readonly scope: string;
  readonly detail: string;
}

/**
 * Asks, for every repository a run will push to, whether the credentials hold push
 * rights — before anything is built, so a run never fails half way for want of them.
 */
export async function preflight(client: RegistryClient, repositories: readonly string[]): Promise<PreflightResult[]> {
  // All at once: against a distant registry each answer is a round trip or three.
  return Promise.all(
    [...new Set(repositories)].map(async (repository) => ({ repository, ...(await client.checkPush(repository)) })),
  );
}

/**
 * The one refusal for missing push rights, for `charthouse check --online` and for a run:
 * which repositories, what to grant, and `then` — what to do once granted.
 */
export function lackingPushRights(results: readonly PreflightResult[], then: string): ConfigError | undefined {
  const lacking = results.filter((r) => !r.ok);
  if (lacking.length === 0) return undefined;
  return new ConfigError(
    `the registry credentials may not push to ${lacking.map((r) => r.repository).join(", ")}: grant them ` +
      `${lacking.map((r) => r.scope).join(", ")} ` +
      "(for ghcr.io: a token with write:packages, and the package's Manage Actions access for the repository), then " +
      `${then}`,
  );
}
