export { dockerEngine, type DockerEngineOptions, type DockerServices } from "./docker-engine.js";
export { dockerBuildArgs, dockerRunArgs, dockerServiceArgs, dockerRunnerProblems, RUN_LABEL } from "./docker-args.js";
export { toolEnvironment } from "./tool-env.js";
export { signingTool, type SigningKeys } from "./signing.js";
