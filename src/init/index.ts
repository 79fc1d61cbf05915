export { initProject, initFiles, planInit, type InitOptions, type InitPlan, type CiKind } from "./init-project.js";
export { detectProject, type ProjectFacts } from "./detect-project.js";
export { renderConfig, type LearnedRow } from "./render-config.js";
