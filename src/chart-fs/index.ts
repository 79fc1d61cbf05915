// Charts on the disk: staging a chart from the project's files into a work directory,
// settling its times, canonicalising packages in place, signing their helm provenance. The pure decisions (recipes,
// rewrites, helm arguments) are src/chart's; this folder only writes them out.
export { writeChartStage, settleChartStage, stampTimes, canonicalizePackage } from "./stage.js";
export { writeHelmProvenance, type GpgKey } from "./helm-provenance.js";
