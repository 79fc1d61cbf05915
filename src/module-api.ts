/**
 * What the Dagger module (ci/) uses of the library, bundled into ci/lib by
 * `npm run generate`: the use-case layer (prepareRun, runRelease) and what its
 * Dagger adapter needs to carry out the Engine primitives. Every decision is made here,
 * in tested code; the module maps primitives to Dagger calls.
 */
export type { Fetched } from "./config/index.js";
export { commitTimeFromObjects } from "./context/git-objects.js";
export { planSteps, describeStep, shellQuote, type Command, type Step } from "./pipeline/index.js";
export type { Plan, ImagePlan, CachePlan, ServicePlan } from "./plan/index.js";
export { helmArgs, settleChartLock, type ChartStage, type ReadProjectText } from "./chart/index.js";
export { canonicalizePackage } from "./chart-fs/stage.js";
export { RegistryClient, Secret, parseRepository, isLoopbackHost, type Credentials } from "./registry/index.js";
export {
  prepareFromView,
  readTextOf,
  runRelease,
  pushedDigest,
  StepFailed,
  VIEW_ROOT,
  type ProjectView,
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
