export {
  prepareRun,
  readRunState,
  requireConfig,
  type PrepareInput,
  type PreparedRun,
  type StateSource,
} from "./prepare-run.js";
export { runRelease, type ReleaseRequest, type RunResult, type ReleaseOutcome, type Published } from "./run-release.js";
export { pushedRepositories, PHASES, type Phase } from "./phases.js";
export {
  StepFailed,
  pushedDigest,
  type Engine,
  type EngineTraits,
  type ExecOptions,
  type ServiceStart,
} from "./engine.js";
export {
  moveAlias,
  settleAliases,
  settleDelay,
  DEFAULT_SETTLE,
  type AliasOutcome,
  type SettleOptions,
} from "./move-alias.js";
export { Reporter, type StepRecord, type StepStatus } from "./reporter.js";
export { prepareFromFiles, readsRegistry, SOURCE_ROOT } from "./prepare-from-files.js";
export { stepGraph } from "./step-graph.js";
