export { planRelease, aliasForBranch, inspectionTargets, type PlanInput } from "./plan-release.js";
export { decideAliasMove, releaseAliases, type AliasDecision } from "./aliases.js";
export { decideImmutable, type ImmutableDecision } from "./immutability.js";
export { nightlyChartVersion, chartReleaseProblem } from "./chart-version.js";
export { readReleaseTag, type TagMeaning } from "./release-tag.js";
export { resolveTrigger, describeTrigger, type Trigger } from "./trigger.js";
export { OCI, ociAnnotations } from "./labels.js";
export { EMPTY_STATE, parseRegistryState, tagsOf } from "./registry-state.js";
export type * from "./types.js";
