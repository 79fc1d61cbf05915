import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { canonicalPackageBytes } from "../chart/canonical-package.js";
import { settleChartLock, type ChartStage } from "../chart/stage-recipe.js";

/** Carries out a chart stage on disk under `stageRoot`; returns the staged chart's directory. */
export function writeChartStage(projectRoot: string, stage: ChartStage, stageRoot: string): string {
  for (const dir of stage.dirs) {
    mkdirSync(dirname(join(stageRoot, dir)), { recursive: true });
    cpSync(join(projectRoot, dir), join(stageRoot, dir), { recursive: true });
  }
  return writeOverChartStage(stage, stageRoot);
}

/** The stage's files written over a staged tree (its dependencies kept), every file the stage's time again. */
export function writeOverChartStage(stage: ChartStage, stageRoot: string): string {
  for (const [path, content] of Object.entries(stage.files)) writeFileSync(join(stageRoot, path), content);
  stampTimes(stageRoot, new Date(stage.time));
  return join(stageRoot, stage.chartDir);
}

/** After `helm dependency build`: the generated Chart.lock and the new files get the stage's time. */
export function settleChartStage(stage: ChartStage, stageRoot: string): void {
  const lockFile = join(stageRoot, stage.chartDir, "Chart.lock");
  if (existsSync(lockFile)) writeFileSync(lockFile, settleChartLock(readFileSync(lockFile, "utf8"), stage.time));
  stampTimes(stageRoot, new Date(stage.time));
}

/** Sets the modification time of everything under `root` to `time`, like SOURCE_DATE_EPOCH. */
export function stampTimes(root: string, time: Date): void {
  for (const entry of readdirSync(root, { withFileTypes: true, recursive: true })) {
    utimesSync(join(entry.parentPath, entry.name), time, time);
  }
}

/** Rewrites a packaged chart in place so the same chart always gives the same bytes (see canonicalPackageBytes). */
export function canonicalizePackage(file: string): void {
  writeFileSync(file, canonicalPackageBytes(readFileSync(file)));
}
