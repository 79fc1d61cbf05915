export { circleciConfig } from "./circleci.js";
export { githubWorkflow } from "./github.js";
export { daggerCall, DAGGER_VERSION, type CiOptions } from "./options.js";
