/** What the cluster says about a release besides helm: read from a ConfigMap the CronJob may read. */
export interface SyncControls {
  /** Stop upgrading this release (e.g. after a manual rollback). */
  readonly hold: boolean;
  /** Never install these versions. */
  readonly skip: readonly string[];
}

/** The ConfigMap holding a release's controls: `charthouse-sync-<release>`, keys `hold` and `skip`. */
export function controlsConfigMap(release: string): string {
  return `charthouse-sync-${release}`;
}

/** `{hold: "true", skip: "5.0.2, 5.0.3"}` → controls; anything else means no hold, no skips. */
export function parseControls(data: Readonly<Record<string, string>> | undefined): SyncControls {
  return {
    hold: /^(true|yes|1)$/i.test(data?.hold?.trim() ?? ""),
    skip: (data?.skip ?? "").split(/[\s,]+/).filter(Boolean),
  };
}
