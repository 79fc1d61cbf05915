export { prepareRun, requireConfig, type PrepareInput, type PreparedRun, type StateSource } from "./prepare-run.js";
export { runRelease, pushedRepositories, type ReleaseRun, type RunResult, type RunOutcome, type Published } from "./run-release.js";
export { StepFailed, type Engine, type EngineTraits, type RunOptions, type ServiceStart } from "./engine.js";
export { Reporter, type StepRecord, type StepStatus } from "./reporter.js";
export { prepareFromView, readsRegistry, VIEW_ROOT, type ProjectView } from "./prepare-from-view.js";
export { stepGraph } from "./step-graph.js";
