import { join } from "node:path";
import { nodeFiles, type ProjectFiles } from "./project-files.js";
import { parseChart, type ChartFile } from "../chart/parse-chart.js";

/** Reads `<dir>/Chart.yaml`; throws when it is missing. YAML errors stay in `doc.errors`. */
export function readChart(dir: string, files: ProjectFiles = nodeFiles): ChartFile {
  const file = join(dir, "Chart.yaml");
  const text = files.readText(file);
  if (text === undefined) throw new Error(`${file} cannot be read`);
  return parseChart(text, dir, file);
}
