import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import type { ChartPlan } from "../plan/types.js";
import { readChart } from "./read-chart.js";
import { rewriteChartYaml, rewriteValuesYaml, type ValueSetting } from "./rewrite-chart.js";

/**
 * Copies a chart, and every local (`file://`) dependency it names, into `stageRoot`
 * at the same paths relative to `projectRoot`, so relative dependency paths and
 * Chart.lock stay valid and the project's own tree is never written to.
 */
export function stageChart(projectRoot: string, chartDir: string, stageRoot: string): string {
  const seen = new Set<string>();
  const copy = (dir: string): void => {
    const abs = resolve(dir);
    if (seen.has(abs)) return;
    seen.add(abs);
    const rel = relative(projectRoot, abs);
    if (rel.startsWith("..")) throw new Error(`chart ${abs} lies outside the project ${projectRoot}`);
    const target = join(stageRoot, rel);
    mkdirSync(dirname(target), { recursive: true });
    cpSync(abs, target, { recursive: true });
    for (const dep of readChart(abs).dependencies) {
      if (dep.repository?.startsWith("file://")) copy(resolve(abs, dep.repository.slice("file://".length)));
    }
  };
  copy(chartDir);
  return join(stageRoot, relative(projectRoot, resolve(chartDir)));
}

/**
 * The values a chart gets pinned to: each pin's repository, tag and digest at its
 * configured keys. `digests` (image name → digest) fills in what was pushed this run.
 */
export function pinSettings(chart: ChartPlan, digests: ReadonlyMap<string, string> = new Map()): ValueSetting[] {
  return chart.pins.flatMap((pin) => {
    const digest = pin.digest ?? digests.get(pin.image);
    return [
      ...(pin.keys.repository ? [{ key: pin.keys.repository, value: pin.repository }] : []),
      { key: pin.keys.tag, value: pin.tag },
      ...(pin.keys.digest && digest ? [{ key: pin.keys.digest, value: digest }] : []),
    ];
  });
}

/** Writes the plan's version, appVersion, annotations and image pins into a staged chart. */
export function applyChartPlan(stagedDir: string, chart: ChartPlan, digests?: ReadonlyMap<string, string>): void {
  const chartFile = join(stagedDir, "Chart.yaml");
  writeFileSync(
    chartFile,
    rewriteChartYaml(readFileSync(chartFile, "utf8"), { version: chart.version, appVersion: chart.appVersion, annotations: chart.annotations }),
  );
  const settings = pinSettings(chart, digests);
  if (settings.length) {
    const valuesFile = join(stagedDir, "values.yaml");
    let text = "";
    try {
      text = readFileSync(valuesFile, "utf8");
    } catch {
      // a chart without values.yaml gets one holding just the pins
    }
    writeFileSync(valuesFile, rewriteValuesYaml(text, settings));
  }
}
