import type { SyncResult } from "./sync.js";

/**
 * Tells a Slack-compatible webhook what a sync did. A webhook that fails does not fail
 * the sync: the failure is returned for the log line. The message holds versions,
 * digests and reasons, never credentials.
 */
export async function notifyWebhook(
  url: string,
  result: SyncResult,
  fetchImpl: typeof fetch = fetch,
): Promise<string | undefined> {
  const icon = {
    upgraded: "⬆️",
    "up-to-date": "✅",
    held: "⏸️",
    failed: "❌",
    "rolled-back": "↩️",
    refused: "🛑",
    misconfigured: "⚠️",
  }[result.action];
  const text = `${icon} ${result.release} (${result.namespace}): ${result.message}`;
  try {
    const response = await fetchImpl(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ text }),
      signal: AbortSignal.timeout(10_000),
    });
    await response.arrayBuffer();
    return response.ok ? undefined : `webhook answered HTTP ${response.status}`;
  } catch (error) {
    return `webhook unreachable: ${(error as Error).message}`;
  }
}
