import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { rewriteChartYaml, rewriteValuesYaml } from "../../../src/chart/index.js";

const CHART_YAML = `apiVersion: v2
# the chart's name
name: hyrax
version: 3.7.4 # bumped by hand on releases
appVersion: "5.0.0"
dependencies:
  - name: solr
    version: 0.1.0
`;

describe("Chart.yaml and values.yaml rewriting", () => {
  it("sets version, appVersion and annotations, keeping comments and key order", () => {
    const out = rewriteChartYaml(CHART_YAML, {
      version: "3.7.5-nightly.20261124",
      appVersion: "5.0",
      annotations: { "org.opencontainers.image.revision": "abc" },
    });
    expect(out).toContain("# the chart's name");
    expect(out).toContain('version: "3.7.5-nightly.20261124" # bumped by hand on releases');
    expect(Object.keys(parse(out))).toEqual([
      "apiVersion",
      "name",
      "version",
      "appVersion",
      "dependencies",
      "annotations",
    ]);
    // 5.0 unquoted would read back as the number 5.
    expect(parse(out).appVersion).toBe("5.0");
    expect(parse(out).annotations).toEqual({ "org.opencontainers.image.revision": "abc" });
  });

  it("pins nested values, creating missing maps, keeping comments", () => {
    const values = "# top comment\nimage:\n  # which image\n  repository: old\n  tag: old\nreplicas: 1\n";
    const out = rewriteValuesYaml(values, [
      { key: "image.tag", value: "nightly-20261124" },
      { key: "image.digest", value: "sha256:abc" },
      { key: "worker.image.tag", value: "1e3" },
    ]);
    expect(out).toContain("# top comment");
    expect(out).toContain("# which image");
    expect(parse(out)).toEqual({
      image: { repository: "old", tag: "nightly-20261124", digest: "sha256:abc" },
      replicas: 1,
      worker: { image: { tag: "1e3" } },
    });
  });
});
