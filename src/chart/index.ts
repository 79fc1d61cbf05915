export { readChart, type ChartFile, type ChartDependency } from "./read-chart.js";
export { rewriteChartYaml, rewriteValuesYaml, type ChartMetadataChange, type ValueSetting } from "./rewrite-chart.js";
export { helmArgs } from "./helm-args.js";
export { canonicalizePackage, canonicalPackageBytes } from "./canonical-package.js";
export { stageChart, localDependencyDirs, applyChartPlan, pinSettings, prepareChart, settleDependencies, stampTimes } from "./stage-chart.js";
