export { runProcess, type ProcessResult } from "./run-process.js";
export { shellQuote } from "./shell-quote.js";
export { requireTool, signingTool } from "./tools.js";
export { helmBinary, kubectlBinary } from "./helm-binary.js";
