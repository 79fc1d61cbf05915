/**
 * What the Dagger module (ci/) uses of the library, bundled into ci/lib by
 * `npm run generate`: the use-case layer (prepareRun, runRelease) and the Dagger adapter
 * (src/engines/dagger), which carries out the Engine primitives. Every decision is made
 * here, in tested code; the module is a front end, as the CLI is. The adapter is handed
 * the module's own Dagger client: the bundle imports only the SDK's types, no copy of it.
 */
export { commitTimeFromObjects } from "./context/git-objects.js";
export { planSteps, describeStep, type Command, type Step } from "./pipeline/index.js";
export { shellQuote } from "./exec/shell-quote.js";
export type { Plan, ImagePlan, CachePlan, ServicePlan } from "./plan/index.js";
export { plainHttpHosts } from "./config/repositories.js";
export { helmArgs, type ChartStage } from "./chart/index.js";
export {
  inFolder,
  projectPath,
  type ProjectEntry,
  type ProjectFiles,
  type ProjectPath,
} from "./project-files/project-files.js";
// canonicalizePackage, writeHelmProvenance, commitTimeFromObjects and Secret run in the tool images too (`lib.…`).
export { canonicalizePackage } from "./chart-fs/stage.js";
export { writeHelmProvenance } from "./chart-fs/helm-provenance.js";
export { RegistryClient, Secret, parseRepository, type Credentials } from "./registry/index.js";
export {
  prepareFromFiles,
  runRelease,
  SOURCE_ROOT,
  type Engine,
  type ExecOptions,
  type ServiceStart,
  type RunResult,
} from "./release/index.js";
export { givenCredentials, givenFlags, runReleaseLogged } from "./engines/dagger/module-run.js";
export { daggerEngine, type ChartPackage } from "./engines/dagger/engine.js";
export {
  givenSigningKeys,
  signingSecrets,
  type ModuleCredentials,
  type ModuleSigningKeys,
} from "./engines/dagger/signing.js";
export { libraryTool, type DaggerTools } from "./engines/dagger/tools.js";
