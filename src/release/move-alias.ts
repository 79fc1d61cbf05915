import { RegistryError } from "../errors.js";
import { decideAliasMove, type AliasDecision } from "../plan/aliases.js";
import type { AliasMove } from "../plan/types.js";
import { readTag, type RegistryClient, type TagRecord } from "../registry/index.js";

export interface AliasOutcome {
  readonly move: AliasMove;
  readonly moved: boolean;
  readonly reason: string;
  /** The digest the alias was (or would have been) pointed at. */
  readonly digest: string;
  /** How long this run's read-to-write window was: a racing run's is about as long. */
  readonly windowMs: number;
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
    throw new RegistryError(
      `moving ${move.repository}:${move.alias}: its target ${move.repository}:${move.from} does not exist; push it ` +
        "first",
    );
  }
  const readAt = Date.now();
  const head = await client.headManifest(move.repository, move.alias);
  let current: TagRecord | null = head && { digest: head.digest };
  // Only a race needs the alias's labels, to rank it against this run.
  if (head && head.digest !== move.expect && head.digest !== source.digest)
    current = await readTag(client, move.repository, move.alias);
  const decision: AliasDecision = decideAliasMove(move, current, source.digest);
  if (decision.move) await client.putManifest(move.repository, move.alias, source);
  return { move, moved: decision.move, reason: decision.reason, digest: source.digest, windowMs: Date.now() - readAt };
}

export interface SettleOptions {
  /**
   * How long to wait before re-reading; by default three times the longest read-to-write window this run saw, within 25
   * ms–2 s.
   */
  readonly settleMs?: number;
  /** Re-read rounds at most. */
  readonly rounds: number;
}

export const DEFAULT_SETTLE: SettleOptions = { rounds: 3 };

/**
 * A racing run's read-to-write window against the same registry is about as long as this
 * run's: three of this run's longest cover it. The floor only absorbs timer and scheduling
 * jitter; a fixed quarter second would be paid by every run against a fast registry for no risk.
 */
const SETTLE_FLOOR_MS = 25;

/** Long enough to outlast a racing run's read-to-write window against the same registry. */
export function settleDelay(outcomes: readonly AliasOutcome[], options: SettleOptions): number {
  if (options.settleMs !== undefined) return options.settleMs;
  const window = Math.max(0, ...outcomes.map((o) => o.windowMs));
  return Math.min(2000, Math.max(SETTLE_FLOOR_MS, 3 * window));
}

/**
 * The second half of compare-and-set on a registry without conditional writes: after a
 * run's aliases moved, wait, re-read each, and put back any that a racing run with a
 * lower rank overwrote in the window between its read and its write. Two racing runs
 * thus converge on the higher one whichever writes last. Returns the outcomes, updated.
 */
export async function settleAliases(
  client: RegistryClient,
  outcomes: readonly AliasOutcome[],
  options: SettleOptions = DEFAULT_SETTLE,
): Promise<AliasOutcome[]> {
  const result = [...outcomes];
  const delay = settleDelay(outcomes, options);
  for (let round = 0; round < options.rounds; round++) {
    await new Promise((r) => setTimeout(r, delay));
    let changed = false;
    for (const [i, outcome] of result.entries()) {
      if (!outcome.moved) continue;
      const head = await client.headManifest(outcome.move.repository, outcome.move.alias);
      if (head?.digest === outcome.digest) continue;
      const current = head ? await readTag(client, outcome.move.repository, outcome.move.alias) : null;
      // Measured against what this run wrote: anything else there now came from another run.
      const decision = decideAliasMove({ ...outcome.move, expect: outcome.digest }, current, outcome.digest);
      if (!decision.move) {
        result[i] = { ...outcome, moved: false, reason: decision.reason };
        continue;
      }
      const source = await client.getManifest(outcome.move.repository, outcome.move.from);
      if (!source) continue;
      await client.putManifest(outcome.move.repository, outcome.move.alias, source);
      result[i] = { ...outcome, reason: `${decision.reason}; put back after a racing run overwrote it` };
      changed = true;
    }
    if (!changed) break;
  }
  return result;
}
