export {
  detectContext,
  detectCi,
  httpsUrl,
  type ContextFlags,
  type DetectInput,
  type GitFacts,
} from "./detect-context.js";
export { readGitFacts } from "./read-git.js";
export type { CiSystem, RunContext, RunEvent } from "./types.js";
export { gitFactsFromFiles } from "./git-files.js";
