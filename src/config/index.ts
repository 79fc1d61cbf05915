export { loadConfig, parseConfig, formatProblem } from "./load-config.js";
export { listStages } from "./dockerfile.js";
export { schema } from "./schema-check.js";
export * from "./types.js";
export { declaredRepositories, plainHttpHosts, registryHost } from "./repositories.js";
