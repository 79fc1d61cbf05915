import type { Cluster, DeployedRelease, SyncControls, UpgradeOutcome } from "../../src/updater/index.js";
import type { GrantedRule } from "../../src/updater/permissions.js";
import type { Revision } from "../../src/updater/release-history.js";

/**
 * A FAKE cluster: the one part of sync that cannot run here. It answers what helm and
 * kubectl would (the deployed release, the ConfigMap controls) and records every helm
 * argument list instead of running it. Unless told otherwise, the charts it renders hold
 * nothing and the updater may do anything (the preflight passes).
 */
export class FakeCluster implements Cluster {
  readonly helmCalls: string[][] = [];
  readonly renderCalls: string[][] = [];
  manifests = "";
  revisions: readonly Revision[] = [];
  grantedRules: readonly GrantedRule[] = [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }];
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
  async history(): Promise<readonly Revision[]> {
    return this.revisions;
  }
  async render(args: readonly string[]): Promise<string> {
    this.renderCalls.push([...args]);
    return this.manifests;
  }
  async granted(): Promise<readonly GrantedRule[]> {
    return this.grantedRules;
  }
}
