import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { dirname, join, posix, relative, resolve } from "node:path";
import { OCI } from "../plan/labels.js";
import type { ChartPlan } from "../plan/types.js";
import { parseDocument } from "yaml";
import { readChart, type ChartFile } from "./read-chart.js";
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
    for (const dep of localDependencyDirs(readChart(abs))) copy(dep);
  };
  copy(chartDir);
  return join(stageRoot, relative(projectRoot, resolve(chartDir)));
}

/** The directories of a chart's local (`file://`) dependencies, resolved against the chart's own directory. */
export function localDependencyDirs(chart: Pick<ChartFile, "dir" | "dependencies">): string[] {
  return chart.dependencies.flatMap((dep) => (dep.repository?.startsWith("file://") ? [posix.resolve(chart.dir, dep.repository.slice("file://".length))] : []));
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

/**
 * Stages a chart for the plan: copied with its local dependencies into `stageRoot`,
 * version, annotations and pins written, and every file's time set to the commit's
 * (helm 4 writes file times into the package), so the same commit packages to the
 * same bytes. Returns the staged chart directory.
 */
export function prepareChart(projectRoot: string, chart: ChartPlan, stageRoot: string, digests?: ReadonlyMap<string, string>): string {
  const staged = stageChart(projectRoot, chart.path, stageRoot);
  applyChartPlan(staged, chart, digests);
  stampTimes(stageRoot, commitTime(chart));
  return staged;
}

/**
 * After `helm dependency build`: a Chart.lock it generated carries the wall clock,
 * which is packaged; give it the commit's time instead, and the new files too.
 */
export function settleDependencies(stageRoot: string, stagedDir: string, chart: ChartPlan): void {
  const created = commitTime(chart);
  const lockFile = join(stagedDir, "Chart.lock");
  if (existsSync(lockFile)) {
    const doc = parseDocument(readFileSync(lockFile, "utf8"));
    if (doc.has("generated")) doc.set("generated", created.toISOString());
    writeFileSync(lockFile, doc.toString());
  }
  stampTimes(stageRoot, created);
}

function commitTime(chart: ChartPlan): Date {
  const created = chart.annotations[OCI.created];
  return created ? new Date(created) : new Date(0);
}

/** Sets the modification time of everything under `root` to `time`, like SOURCE_DATE_EPOCH. */
export function stampTimes(root: string, time: Date): void {
  for (const entry of readdirSync(root, { withFileTypes: true, recursive: true })) {
    utimesSync(join(entry.parentPath, entry.name), time, time);
  }
}
