export { syncRelease, SYNC_EXIT, type SyncOptions, type SyncResult, type SyncAction } from "./sync.js";
export { selectVersions, parsePolicy, allowedBy, describePolicy, type SyncPolicy } from "./select-version.js";
export { helmCluster, parseControls, controlsConfigMap, type Cluster, type DeployedRelease, type SyncControls, type UpgradeOutcome } from "./cluster.js";
export { notifyWebhook } from "./notify.js";
export { scheduledSync, type SyncReport } from "./scheduled-sync.js";
