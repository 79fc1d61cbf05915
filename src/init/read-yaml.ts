import { readFileSync } from "node:fs";
import { join } from "node:path";
import { LineCounter, parseDocument, type Document } from "yaml";
import { parseChart, type ChartFile } from "../chart/parse-chart.js";

/** Where a learned value was read: a file of the repository and a line in it. */
export interface Origin {
  readonly file: string;
  readonly line: number;
}

/** A YAML file of the repository, positions kept so every learned value can name its line. */
export interface Yaml {
  readonly file: string;
  readonly doc: Document;
  readonly lines: LineCounter;
}

/** The file at `path` (relative to `root`), or undefined when it is missing or no valid YAML. */
export function readYaml(root: string, path: string): Yaml | undefined {
  try {
    const lines = new LineCounter();
    // Compose files share settings through YAML merge keys (`<<: *app`).
    const doc = parseDocument(readFileSync(join(root, path), "utf8"), { lineCounter: lines, merge: true });
    return doc.errors.length ? undefined : { file: path, doc, lines };
  } catch {
    return undefined;
  }
}

/**
 * The Chart.yaml of the chart in `dir` (absolute). init reads the repository it walks straight from the disk, as it
 * reads its Dockerfiles and workflows; a project charthouse runs is read through ProjectFiles instead.
 */
export function readChartIn(dir: string): ChartFile {
  const file = join(dir, "Chart.yaml");
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (cause) {
    throw new Error(`${file} cannot be read`, { cause });
  }
  return parseChart(text, dir, file);
}

/** The origin of the node at `path` in a file (line 1 when it has none). */
export function originOf(y: Yaml, path: readonly (string | number)[]): Origin {
  const node = y.doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
  return { file: y.file, line: node?.range ? y.lines.linePos(node.range[0]).line : 1 };
}

/** `file:line`, as a comment names it. */
export function at(origin: Origin): string {
  return `${origin.file}:${origin.line}`;
}

/** A YAML value that may be a list or a newline- or comma-separated string, as action inputs are. */
export function listOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === "string")
    return value
      .split(/[\n,]/)
      .map((s) => s.trim())
      .filter(Boolean);
  return [];
}
