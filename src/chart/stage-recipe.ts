import { posix } from "node:path";
import { parseDocument } from "yaml";
import { OCI } from "../plan/labels.js";
import { projectPath, readText, type ProjectFiles } from "../project-files/project-files.js";
import type { ChartPlan } from "../plan/types.js";
import { parseChart, type ChartFile } from "./parse-chart.js";
import { rewriteChartYaml, rewriteValuesYaml, type ValueSetting } from "./rewrite-chart.js";

/**
 * How a chart is staged for helm, decided once for every engine: which directories of the
 * project are copied (the chart and, recursively, its local `file://` dependencies, at
 * the same project-relative paths so dependency paths stay valid), which files are then
 * written over the copy (Chart.yaml with the plan's version, appVersion and annotations;
 * values.yaml with the image pins, only when there are pins), and the time every staged
 * file carries: the commit's, because helm 4 writes file times into the package. After
 * `helm dependency build`, `settleChartLock` gives a generated Chart.lock the same time.
 * Engines only carry it out; the project's own tree is never written to.
 */
export interface ChartStage {
  /** The chart's directory, project-relative (POSIX). */
  readonly chartDir: string;
  /** Project-relative directories copied as they are: the chart first, then its local dependencies. */
  readonly dirs: readonly string[];
  /** Project-relative path → content, written over the copy. */
  readonly files: Readonly<Record<string, string>>;
  /** Every staged file's modification time (ISO 8601): the commit's. */
  readonly time: string;
}

/** The stage of `chart` for this run; `digests` (image name → digest) fills in pins of images pushed this run. */
export async function chartStage(
  chart: ChartPlan,
  project: ProjectFiles,
  digests: ReadonlyMap<string, string> = new Map(),
): Promise<ChartStage> {
  const chartDir = posix.normalize(chart.relativePath);
  const dirs = await chartTree(chartDir, project);
  const chartYaml = await readText(project, projectPath(`${chartDir}/Chart.yaml`));
  if (chartYaml === undefined) throw new Error(`${chartDir}/Chart.yaml cannot be read`);
  const files: Record<string, string> = {
    [`${chartDir}/Chart.yaml`]: rewriteChartYaml(chartYaml, {
      version: chart.version,
      appVersion: chart.appVersion,
      annotations: withPinnedImages(chart, digests),
    }),
  };
  const settings = pinSettings(chart, digests);
  // A chart without values.yaml gets one holding just the pins; without pins it stays as it is.
  if (settings.length)
    files[`${chartDir}/values.yaml`] = rewriteValuesYaml(
      (await readText(project, projectPath(`${chartDir}/values.yaml`))) ?? "",
      settings,
    );
  return { chartDir, dirs, files, time: stageTime(chart) };
}

/**
 * The Chart.yaml annotation naming every image the chart pins by digest
 * (`repository:tag@sha256:…`, comma-separated). helm carries Chart.yaml annotations into the
 * chart's OCI manifest, so the updater can check the images' signatures before it installs
 * the chart, without rendering it.
 */
export const PINNED_IMAGES_ANNOTATION = "dev.charthouse.pinned-images";

/** The plan's annotations, and the pinned images once their digests are known. */
function withPinnedImages(chart: ChartPlan, digests: ReadonlyMap<string, string>): Readonly<Record<string, string>> {
  const pinned = [
    ...new Set(
      chart.pins.flatMap((pin) => {
        const digest = pin.digest ?? digests.get(pin.image);
        return digest ? [`${pin.repository}:${pin.tag}@${digest}`] : [];
      }),
    ),
  ];
  return pinned.length ? { ...chart.annotations, [PINNED_IMAGES_ANNOTATION]: pinned.join(",") } : chart.annotations;
}

/** The chart's directory and its local dependencies', recursively, project-relative. */
export async function chartTree(chartDir: string, project: ProjectFiles): Promise<string[]> {
  const seen: string[] = [];
  const visit = async (dir: string): Promise<void> => {
    if (seen.includes(dir)) return;
    if (dir === ".." || dir.startsWith("../") || posix.isAbsolute(dir))
      throw new Error(`chart ${dir} lies outside the project`);
    seen.push(dir);
    const text = await readText(project, projectPath(`${dir}/Chart.yaml`));
    if (text === undefined) throw new Error(`${dir}/Chart.yaml cannot be read`);
    for (const dep of localDependencyDirs(parseChart(text, dir, `${dir}/Chart.yaml`))) await visit(dep);
  };
  await visit(posix.normalize(chartDir));
  return seen;
}

/** The directories of a chart's local (`file://`) dependencies, resolved against the chart's own directory. */
export function localDependencyDirs(chart: Pick<ChartFile, "dir" | "dependencies">): string[] {
  return chart.dependencies.flatMap((dep) =>
    dep.repository?.startsWith("file://") ? [posix.join(chart.dir, dep.repository.slice("file://".length))] : [],
  );
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

/**
 * A Chart.lock `helm dependency build` generated carries the wall clock, which is packaged: give it the stage's time.
 */
export function settleChartLock(text: string, time: string): string {
  const doc = parseDocument(text);
  if (!doc.has("generated")) return text;
  doc.set("generated", new Date(time).toISOString());
  return doc.toString();
}

/** The commit's time, or the epoch when the plan carries none. */
function stageTime(chart: ChartPlan): string {
  return new Date(chart.annotations[OCI.created] ?? 0).toISOString();
}
