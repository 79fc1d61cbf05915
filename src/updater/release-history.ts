/** One revision of a release, as helm keeps it in the cluster. */
export interface Revision {
  readonly revision: number;
  readonly version: string;
  readonly status: string;
}

/** `my-app-2-1.0.0-rc.1` → chart `my-app-2`, version `1.0.0-rc.1` (helm joins them with a dash). */
export function splitChart(chart: string): { chart: string; version: string } {
  const match = chart.match(/^(.*)-(\d+\.\d+\.\d+.*)$/);
  return { chart: match?.[1] ?? chart, version: match?.[2] ?? "" };
}

/** `helm history <release> --output json` → revisions. */
export function parseHistory(json: string): Revision[] {
  return (JSON.parse(json) as { revision: number; status: string; chart: string }[]).map((e) => ({
    revision: e.revision,
    version: splitChart(e.chart).version,
    status: e.status,
  }));
}

/**
 * Versions whose last attempt failed (helm marks the revision `failed`; --atomic then rolled
 * back). A CronJob that retried them would break the release for --timeout on every run, so
 * sync skips them until a newer version is published or someone upgrades to it by hand.
 */
export function failedVersions(history: readonly Revision[]): { version: string; revision: number }[] {
  const last = new Map<string, Revision>();
  for (const r of [...history].sort((a, b) => a.revision - b.revision)) last.set(r.version, r);
  return [...last.values()]
    .filter((r) => r.status === "failed")
    .map((r) => ({ version: r.version, revision: r.revision }));
}
