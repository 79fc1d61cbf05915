import { join } from "node:path";
import { isMap, LineCounter, parseDocument, type Document } from "yaml";
import { nodeFiles, type ProjectFiles } from "../config/project-files.js";

/** A chart's Chart.yaml as found on disk, with its parsed document kept for rewriting. */
export interface ChartFile {
  readonly dir: string;
  readonly file: string;
  readonly name?: string;
  readonly version?: string;
  readonly appVersion?: string;
  readonly dependencies: readonly ChartDependency[];
  readonly doc: Document;
  readonly lines: LineCounter;
}

export interface ChartDependency {
  readonly name: string;
  readonly version?: string;
  readonly repository?: string;
}

/** Reads `<dir>/Chart.yaml`; throws when it is missing. YAML errors stay in `doc.errors`. */
export function readChart(dir: string, files: ProjectFiles = nodeFiles): ChartFile {
  const file = join(dir, "Chart.yaml");
  const text = files.readText(file);
  if (text === undefined) throw new Error(`${file} cannot be read`);
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const data: unknown = doc.errors.length === 0 && isMap(doc.contents) ? doc.toJS() : {};
  const meta = (data ?? {}) as Record<string, unknown>;
  const deps = Array.isArray(meta.dependencies) ? (meta.dependencies as Record<string, unknown>[]) : [];
  return {
    dir,
    file,
    name: stringOrUndefined(meta.name),
    version: stringOrUndefined(meta.version),
    appVersion: stringOrUndefined(meta.appVersion),
    dependencies: deps.map((d) => ({
      name: String(d.name ?? ""),
      version: stringOrUndefined(d.version),
      repository: stringOrUndefined(d.repository),
    })),
    doc,
    lines,
  };
}

function stringOrUndefined(value: unknown): string | undefined {
  // YAML reads `version: 1.0` as a number; Chart.yaml means the string.
  return value === undefined || value === null ? undefined : String(value);
}
