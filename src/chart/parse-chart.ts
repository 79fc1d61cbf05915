import { isMap, isScalar, LineCounter, parseDocument, type Document } from "yaml";

/** A chart's Chart.yaml, parsed, with its document kept for rewriting and locating problems. */
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

/** Parses the text of `<dir>/Chart.yaml` (`file`). YAML errors stay in `doc.errors`. */
export function parseChart(text: string, dir: string, file: string): ChartFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const data: unknown = doc.errors.length === 0 && isMap(doc.contents) ? doc.toJS() : {};
  const meta = (data ?? {}) as Record<string, unknown>;
  // `version: 1.10` is read by YAML as the number 1.1: keep what the file says.
  const versionNode = doc.errors.length === 0 && isMap(doc.contents) ? doc.get("version", true) : undefined;
  const versionText =
    isScalar(versionNode) && typeof versionNode.value === "number" && typeof versionNode.source === "string"
      ? versionNode.source
      : undefined;
  const deps = Array.isArray(meta.dependencies) ? (meta.dependencies as Record<string, unknown>[]) : [];
  return {
    dir,
    file,
    name: stringOrUndefined(meta.name),
    version: versionText ?? stringOrUndefined(meta.version),
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
