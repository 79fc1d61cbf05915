import type { RegistryClient } from "../registry/client.js";
import type { Cluster } from "./cluster.js";
import { notifyWebhook } from "./notify.js";
import { describePolicy } from "./select-version.js";
import { SYNC_EXIT, syncRelease, type SyncOptions, type SyncResult } from "./sync.js";

/** What one scheduled sync reports: its decision, the JSON log line, and the exit code the CronJob sees. */
export interface SyncReport {
  readonly result: SyncResult;
  /** One JSON line: the decision, its time, and a webhook failure when there was one. */
  readonly line: string;
  readonly exitCode: number;
}

/**
 * A sync as the CronJob runs it: the decision (syncRelease); a check that throws (the
 * registry or the cluster unreachable) is a failed sync, not a crash; the webhook is told
 * of everything but "up to date", and its own failure only noted in the log line.
 */
export async function scheduledSync(
  options: SyncOptions,
  deps: {
    readonly client: RegistryClient;
    readonly cluster: Cluster;
    readonly webhook?: string;
    readonly now: Date;
    readonly fetch?: typeof fetch;
  },
): Promise<SyncReport> {
  let result: SyncResult;
  try {
    result = await syncRelease(options, { client: deps.client, cluster: deps.cluster });
  } catch (error) {
    result = {
      action: "failed",
      release: options.release,
      namespace: options.namespace,
      chart: options.chart,
      policy: describePolicy(options.policy),
      skipped: [],
      dryRun: options.dryRun ?? false,
      message: `check failed: ${(error as Error).message}`,
    };
  }
  const notifyError =
    deps.webhook && result.action !== "up-to-date" ? await notifyWebhook(deps.webhook, result, deps.fetch) : undefined;
  const line = JSON.stringify({
    version: 1,
    ts: deps.now.toISOString(),
    ...result,
    ...(notifyError ? { webhook: notifyError } : {}),
  });
  return { result, line, exitCode: SYNC_EXIT[result.action] };
}
