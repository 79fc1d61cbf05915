export { executeSteps, type ExecuteOptions, type RunResult, type Published } from "./execute.js";
export { dockerBuildArgs, dockerRunArgs, dockerServiceArgs, dockerTestArgs, dockerRunnerProblems, RUN_LABEL } from "./docker-args.js";
export { toolEnvironment } from "./tool-env.js";
export type { StepRecord } from "./reporter.js";
