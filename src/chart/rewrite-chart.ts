import { isScalar, parseDocument, Scalar, type Document } from "yaml";

/** What a publish changes in Chart.yaml. */
export interface ChartMetadataChange {
  readonly version: string;
  readonly appVersion?: string;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** Rewrites Chart.yaml text: version, appVersion, annotations set; comments and key order kept. */
export function rewriteChartYaml(text: string, change: ChartMetadataChange): string {
  const doc = parseDocument(text);
  if (doc.errors.length) throw new Error(`Chart.yaml does not parse: ${doc.errors[0]!.message}`);
  setString(doc, ["version"], change.version);
  if (change.appVersion !== undefined) setString(doc, ["appVersion"], change.appVersion);
  for (const [key, value] of Object.entries(change.annotations ?? {})) {
    // Keys hold dots (org.opencontainers.image.revision): one path segment each.
    setString(doc, ["annotations", key], value);
  }
  return doc.toString();
}

/** A values key (dotted path) and the string to write there. */
export interface ValueSetting {
  readonly key: string;
  readonly value: string;
}

/** Rewrites values.yaml text with each setting; comments and key order kept, missing maps created. */
export function rewriteValuesYaml(text: string, settings: readonly ValueSetting[]): string {
  const doc = parseDocument(text === "" ? "{}\n" : text);
  if (doc.errors.length) throw new Error(`values.yaml does not parse: ${doc.errors[0]!.message}`);
  for (const { key, value } of settings) setString(doc, key.split("."), value);
  return doc.toString();
}

/**
 * Sets a string at `path`, always quoted (`5.0` or `1e3` unquoted would read back as
 * numbers). An existing scalar is changed in place so its comments stay with it.
 */
function setString(doc: Document, path: readonly string[], value: string): void {
  const node = doc.getIn(path, true);
  if (isScalar(node)) {
    node.value = value;
    node.type = Scalar.QUOTE_DOUBLE;
    return;
  }
  const scalar = new Scalar(value);
  scalar.type = Scalar.QUOTE_DOUBLE;
  doc.setIn(path, scalar);
}
