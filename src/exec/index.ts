export { runProcess, type ProcessResult } from "./run-process.js";
export { requireTool, signingTool, TOOL_PACKAGES } from "./tools.js";
export { helmBinary, kubectlBinary } from "./helm-binary.js";
