export { initProject, initFiles, type InitOptions, type CiKind } from "./init-project.js";
export { detectProject, type ProjectFacts } from "./detect-project.js";
export { renderConfig } from "./render-config.js";
