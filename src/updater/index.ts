export { syncRelease, SYNC_EXIT, type SyncOptions, type SyncResult, type SyncAction } from "./sync.js";
export { selectVersions, parsePolicy, allowedBy, describePolicy, type SyncPolicy } from "./select-version.js";
export { helmCluster, type Cluster, type DeployedRelease, type UpgradeOutcome } from "./cluster.js";
export { parseControls, controlsConfigMap, type SyncControls } from "./controls.js";
export { notifyWebhook } from "./notify.js";
export { scheduledSync, type SyncReport } from "./scheduled-sync.js";
