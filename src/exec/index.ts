export { runProcess, type ProcessResult } from "./run-process.js";
export { requireTool, run, TOOL_PACKAGES } from "./tools.js";
export { helmBinary, kubectlBinary } from "./helm-binary.js";
