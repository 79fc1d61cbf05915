import { setTimeout as sleep } from "node:timers/promises";

/** How hard to try: attempts per request, backoff, and a total budget of waiting. */
export interface RetryPolicy {
  readonly attempts: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  /** Total time spent waiting between attempts of one request, at most. */
  readonly budgetMs: number;
  /** Per-attempt timeout. */
  readonly timeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 6,
  initialDelayMs: 250,
  maxDelayMs: 10_000,
  budgetMs: 60_000,
  timeoutMs: 60_000,
};

export type Attempt = (
  { readonly kind: "response"; readonly response: Response } | { readonly kind: "error"; readonly error: unknown }
) & {
  /** How many attempts were made in all. */
  readonly attempts: number;
};

/** Status codes worth another try: throttling and server trouble. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 408 || (status >= 500 && status !== 501 && status !== 505);
}

/** Seconds or an HTTP date, as Retry-After allows; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * Runs `attempt` until it gives a response that is not retryable, or the policy is
 * spent; returns the last outcome. Honours Retry-After, backs off exponentially
 * with jitter otherwise, and never waits past the budget.
 */
export async function withRetry(
  attempt: (signal: AbortSignal) => Promise<Response>,
  policy: RetryPolicy,
  onRetry?: (info: { attempt: number; waitMs: number; reason: string }) => void,
): Promise<Attempt> {
  let waited = 0;
  let last: Attempt | undefined;
  for (let n = 1; n <= policy.attempts; n++) {
    try {
      const response = await attempt(AbortSignal.timeout(policy.timeoutMs));
      last = { kind: "response", response, attempts: n };
      if (!isRetryableStatus(response.status)) return last;
    } catch (error) {
      last = { kind: "error", error, attempts: n };
      // A name that does not resolve will not resolve in a second either.
      if (describeNetworkError(error) === "ENOTFOUND") return last;
    }
    if (n === policy.attempts) break;
    const backoff = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (n - 1)) * (0.5 + Math.random() / 2);
    const asked = last.kind === "response" ? retryAfterMs(last.response.headers.get("retry-after")) : undefined;
    // A Retry-After is honoured as asked; one past the remaining budget ends the tries now.
    const waitMs = asked ?? backoff;
    if (waited + waitMs > policy.budgetMs) break;
    // Drain the body so the connection can be reused.
    if (last.kind === "response") await last.response.arrayBuffer().catch(() => undefined);
    onRetry?.({
      attempt: n,
      waitMs,
      reason: last.kind === "response" ? `HTTP ${last.response.status}` : describeNetworkError(last.error),
    });
    await sleep(waitMs);
    waited += waitMs;
  }
  return last!;
}

/** `fetch failed` says little; its cause says what happened (ECONNRESET, a timeout). */
export function describeNetworkError(error: unknown): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === "TimeoutError") return "timed out";
  return e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(error);
}
