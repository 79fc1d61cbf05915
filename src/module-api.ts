/**
 * What the Dagger module (ci/) uses of the library, bundled into ci/lib by
 * `npm run build:module`: every decision is made here, in tested code; the module
 * only maps the resulting steps to Dagger calls.
 */
export { loadConfigLazily, formatProblem, type Config, type Fetched } from "./config/index.js";
export { detectContext, gitFactsFromFiles, type ContextFlags, type RunContext } from "./context/index.js";
export { planRelease, OCI, type Plan, type ChartPlan, type ImagePlan, type ServicePlan, type AliasMove } from "./plan/index.js";
export { planSteps, gateSteps, packageSteps, describeStep, shellQuote, type Step } from "./pipeline/index.js";
export { readChart, localDependencyDirs, rewriteChartYaml, rewriteValuesYaml, pinSettings, helmArgs, canonicalizePackage } from "./chart/index.js";
export { versionToTag } from "./plan/formats.js";
export {
  RegistryClient,
  Secret,
  readRegistryState,
  readTag,
  moveAlias,
  settleAliases,
  preflight,
  parseRepository,
  isLoopbackHost,
  type Credentials,
  type AliasOutcome,
} from "./registry/index.js";
export { decideImmutable } from "./plan/immutability.js";
export { TOOL_IMAGES } from "./tool-images.js";
