export { dockerEngine, type DockerEngineOptions, type DockerImage, type DockerServices } from "./docker-engine.js";
export { dockerBuildArgs, dockerRunArgs, dockerServiceArgs, PROJECT_LABEL, RUN_LABEL } from "./docker-args.js";
export {
  builderProblems,
  buildxPlatforms,
  chooseBuilder,
  platformProblems,
  describeBuilder,
  platformTag,
  primaryPlatform,
  type Builder,
} from "./builder.js";
export { toolEnvironment } from "./tool-env.js";
export type { SigningKeys } from "./signing.js";
