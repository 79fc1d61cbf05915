import { RegistryError } from "../errors.js";
import { decideAliasMove, type AliasDecision } from "../plan/aliases.js";
import type { AliasMove, TagRecord } from "../plan/types.js";
import type { RegistryClient } from "./client.js";
import { readTag } from "./read-tag.js";

export interface AliasOutcome {
  readonly move: AliasMove;
  readonly moved: boolean;
  readonly reason: string;
  /** The digest the alias was (or would have been) pointed at. */
  readonly digest: string;
}

/**
 * Moves an alias compare-and-set by copying the immutable tag's manifest (one GET, one
 * PUT, no blob): re-reads the alias just before, and when another run moved it since the
 * plan, re-decides so it never goes backwards. Registries have no conditional PUT, so a
 * move landing between the re-read and the PUT can still win; the window is one request.
 */
export async function moveAlias(client: RegistryClient, move: AliasMove): Promise<AliasOutcome> {
  const source = await client.getManifest(move.repository, move.from);
  if (!source) {
    throw new RegistryError(`moving ${move.repository}:${move.alias}: its target ${move.repository}:${move.from} does not exist; push it first`);
  }
  const head = await client.headManifest(move.repository, move.alias);
  let current: TagRecord | null = head && { digest: head.digest };
  // Only a race needs the alias's labels, to rank it against this run.
  if (head && head.digest !== move.expect && head.digest !== source.digest) current = await readTag(client, move.repository, move.alias);
  const decision: AliasDecision = decideAliasMove(move, current, source.digest);
  if (decision.move) await client.putManifest(move.repository, move.alias, source);
  return { move, moved: decision.move, reason: decision.reason, digest: source.digest };
}
