/** What a chart's provenance names of it: the Chart.yaml fields `helm verify` reads back. */
export interface ChartMetadata {
  readonly apiVersion: string;
  readonly name: string;
  readonly version: string;
  readonly appVersion?: string;
}

/**
 * The message of a helm provenance file (`<chart>.tgz.prov`) before it is clear-signed:
 * the chart's metadata as YAML, the YAML end marker `...` (a `---` may not open a line of a
 * PGP clear-signed block), then the package's SHA-256 under `files:`, as `helm package
 * --sign` writes it. charthouse writes it itself because the package it ships is the
 * canonicalised one (src/chart/canonical-package.ts), whose bytes helm never saw:
 * a provenance from `helm package --sign` would name the wrong sum.
 */
export function provenanceMessage(chart: ChartMetadata, fileName: string, sha256Hex: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256Hex)) throw new Error(`bug: ${JSON.stringify(sha256Hex)} is not a SHA-256`);
  if (/[\s/]/.test(fileName)) throw new Error(`bug: ${JSON.stringify(fileName)} is not a package file name`);
  const field = (key: string, value: string | undefined) =>
    value === undefined ? [] : [`${key}: ${JSON.stringify(value)}`];
  const metadata = [
    ...field("apiVersion", chart.apiVersion),
    ...field("appVersion", chart.appVersion),
    ...field("name", chart.name),
    ...field("version", chart.version),
  ];
  return `${metadata.join("\n")}\n\n...\nfiles:\n  ${fileName}: sha256:${sha256Hex}\n`;
}
