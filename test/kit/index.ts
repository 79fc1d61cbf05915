export { startRegistry, type LocalRegistry, type RegistryAuth } from "./registry-server.js";
export { startReferrersRegistry } from "./referrers-registry.js";
export {
  ensureDockerEngine,
  ensureBaseImage,
  ensureNodeBaseImage,
  dockerAnswers,
  BASE_IMAGE,
  NODE_BASE_IMAGE,
  type DockerEngine,
} from "./dockerd.js";
export { freePort, waitFor } from "./free-port.js";
export { requireTool, TOOL_PACKAGES } from "./tools.js";
export { execTool } from "./exec-tool.js";
