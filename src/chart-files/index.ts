export { readChart } from "./read-chart.js";
export { projectReader, writeChartStage, settleChartStage, stampTimes, canonicalizePackage } from "./stage.js";
