export { parseChart, type ChartFile, type ChartDependency } from "./parse-chart.js";
export { rewriteChartYaml, rewriteValuesYaml, type ChartMetadataChange, type ValueSetting } from "./rewrite-chart.js";
export { helmArgs } from "./helm-args.js";
export { canonicalPackageBytes } from "./canonical-package.js";
export {
  chartStage,
  chartTree,
  localDependencyDirs,
  pinSettings,
  settleChartLock,
  PINNED_IMAGES_ANNOTATION,
  type ChartStage,
} from "./stage-recipe.js";
