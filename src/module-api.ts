/**
 * What the Dagger module (ci/) uses of the library, bundled into ci/lib by
 * `npm run generate`: the use-case layer (prepareRun, runRelease) and what its
 * Dagger adapter needs to carry out the Engine primitives. Every decision is made here,
 * in tested code; the module maps primitives to Dagger calls.
 */
export { commitTimeFromObjects } from "./context/git-objects.js";
export { planSteps, describeStep, shellQuote, type Command, type Step } from "./pipeline/index.js";
export type { Plan, ImagePlan, CachePlan, ServicePlan } from "./plan/index.js";
export { helmArgs, settleChartLock, type ChartStage } from "./chart/index.js";
export type { ProjectEntry, ProjectFiles, ProjectPath } from "./project-files/project-files.js";
export { canonicalizePackage } from "./chart-fs/stage.js";
export { RegistryClient, Secret, parseRepository, isLoopbackHost, type Credentials } from "./registry/index.js";
export {
  prepareFromFiles,
  runRelease,
  pushedDigest,
  StepFailed,
  SOURCE_ROOT,
  type Engine,
  type ExecOptions,
  type ServiceStart,
  type RunResult,
} from "./release/index.js";
export { execFailure, givenCredentials, givenFlags, runReleaseLogged } from "./engines/dagger/module-run.js";
export {
  cosignScript,
  daggerBuildOptions,
  daggerHealthcheck,
  helmPushScript,
  pickVariant,
  registryHostOf,
  syftEnvironment,
} from "./engines/dagger/dagger-args.js";
export { cosignArgs } from "./signing/index.js";
