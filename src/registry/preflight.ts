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
  return Promise.all([...new Set(repositories)].map(async (repository) => ({ repository, ...(await client.checkPush(repository)) })));
}
