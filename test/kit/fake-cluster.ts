import type { Cluster, DeployedRelease, SyncControls, UpgradeOutcome } from "../../src/updater/index.js";

/**
 * A FAKE cluster: the one part of sync that cannot run here. It answers what helm and
 * kubectl would (the deployed release, the ConfigMap controls) and records every helm
 * argument list instead of running it.
 */
export class FakeCluster implements Cluster {
  readonly helmCalls: string[][] = [];
  constructor(
    public release: DeployedRelease | null,
    public controlsData: SyncControls = { hold: false, skip: [] },
    public upgradeOutcome: UpgradeOutcome = { ok: true, output: "Release has been upgraded" },
  ) {}
  async deployed(): Promise<DeployedRelease | null> {
    return this.release;
  }
  async controls(): Promise<SyncControls> {
    return this.controlsData;
  }
  async helm(args: readonly string[]): Promise<UpgradeOutcome> {
    this.helmCalls.push([...args]);
    return this.upgradeOutcome;
  }
}
