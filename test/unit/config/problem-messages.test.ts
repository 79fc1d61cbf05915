import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig, parseConfig, type ConfigProblem } from "../../../src/config/index.js";
import { tempTree } from "../../kit/temp-dir.js";

// Every config problem's exact words and place: what a person reads is part of the contract
// (and what a mutation of src/config would change).
const PROJECT = {
  Dockerfile: "FROM scratch AS base\nFROM base AS dassie\n",
  "chart/hyrax/Chart.yaml": "apiVersion: v2\nname: hyrax\nversion: 3.7.4\n",
  "chart/hyrax/values.yaml": "image:\n  tag: x\n",
  Other: "FROM scratch\nRUN true\n",
};
function problems(yaml: string, files: Record<string, string> = {}): { field: string; message: string; fix: string; line: number; column: number; file: string }[] {
  const root = tempTree({ ...PROJECT, ...files });
  const result = parseConfig(yaml, join(root, "charthouse.yaml"));
  return (result.ok ? [] : result.errors).map((p: ConfigProblem) => ({ ...p, file: p.file.slice(root.length + 1) }));
}
const R = "registry: ghcr.io/x\n";

describe("config problems, word for word", () => {
  it.each([
    ["an image without context or Dockerfile", `${R}images:\n  - {name: a, context: nope}\n`, { field: "images[0].context", message: "build context nope is not a directory", fix: "create it or correct images[].context (relative to charthouse.yaml)", line: 3, column: 24 }],
    ["a default Dockerfile missing", `${R}images:\n  - {name: a, context: chart}\n`, { field: "images[0]", message: "Dockerfile chart/Dockerfile does not exist", fix: "correct images[].dockerfile (relative to charthouse.yaml)", line: 3, column: 5 }],
    ["a target in a Dockerfile without stages", `${R}images:\n  - {name: a, dockerfile: Other, target: web}\n`, { field: "images[0].target", message: 'target "web" is no stage of Other', fix: "name a stage in the Dockerfile (FROM … AS web)", line: 3, column: 42 }],
    ["a target far from every stage", `${R}images:\n  - {name: a, target: zzzzzz}\n`, { field: "images[0].target", message: 'target "zzzzzz" is no stage of Dockerfile', fix: "use one of its stages: base, dassie", line: 3, column: 23 }],
    ["an image name no image has, and no images", `${R}test:\n  image: web\n  command: [x]\n`, { field: "test.image", message: '"web" names no image of this file', fix: "declare the image under images:", line: 3, column: 10 }],
    ["a chart without a name or version", `${R}charts:\n  - path: chart/hyrax\n`, { field: "(top level)", message: "Chart.yaml has no version", fix: "add version: 0.1.0 (semver)", line: 1, column: 1 }],
    ["a chart YAML error", `${R}charts:\n  - path: chart/hyrax\n`, { field: "(yaml)", message: expect.stringMatching(/^YAML syntax error: /), fix: "fix the YAML syntax at this position", line: 2, column: 1 }],
    ["a pattern with a placeholder twice", `${R}policy:\n  releaseTag: "v{version}-{version}"\n`, { field: "policy.releaseTag", message: 'tag pattern "v{version}-{version}" must contain {version} exactly once', fix: "write it like {version}, e.g. v{version}", line: 3, column: 15 }],
    ["a chart pattern with an unknown placeholder", `${R}policy:\n  chartReleaseTag: "{chart}-{name}-{version}"\n`, { field: "policy.chartReleaseTag", message: 'tag pattern "{chart}-{name}-{version}" has an unknown placeholder {name}', fix: "use only {chart} and {version}", line: 3, column: 20 }],
    ["a repository name too long", `registry: ghcr.io/${"n".repeat(240)}\nimages:\n  - {name: a, target: dassie, repository: ${"r".repeat(20)}}\n`, { field: "images[0].repository", message: `ghcr.io/${"n".repeat(240)}/${"r".repeat(20)} is longer than 255 characters`, fix: "shorten the registry namespace or the repository", line: 3, column: 43 }],
  ])("%s", (_, yaml, expected) => {
    const files: Record<string, string> = _ === "a chart without a name or version" ? { "chart/hyrax/Chart.yaml": "apiVersion: v2\nname: hyrax\n" } : _ === "a chart YAML error" ? { "chart/hyrax/Chart.yaml": "name: [\n" } : {};
    expect(problems(yaml, files)).toContainEqual({ ...expected, file: expect.stringMatching(/charthouse\.yaml$|Chart\.yaml$/) });
  });

  it("a Chart.yaml without a name", () => {
    expect(problems(`${R}charts:\n  - path: chart/hyrax\n`, { "chart/hyrax/Chart.yaml": "apiVersion: v2\nversion: 1.0.0\n" })).toEqual([
      { field: "(top level)", message: "Chart.yaml has no name", fix: "add name: <chart name>", line: 1, column: 1, file: "chart/hyrax/Chart.yaml" },
    ]);
  });

  it("a dependency path with a directory, and one whose chart is elsewhere", () => {
    const chartYaml = "apiVersion: v2\nname: hyrax\nversion: 3.7.4\ndependencies:\n  - {name: solr, version: 0.1.0, repository: 'file://../deps/solrr'}\n  - {name: x, version: 1.0.0, repository: 'https://charts.example.org'}\n";
    expect(problems(`${R}charts:\n  - path: chart/hyrax\n`, { "chart/hyrax/Chart.yaml": chartYaml, "chart/deps/solr/Chart.yaml": "apiVersion: v2\nname: solr\nversion: 0.1.0\n" })).toEqual([
      { field: "dependencies[0].repository", message: 'file://../deps/solrr holds no chart; did you mean "file://../deps/solr"?', fix: "point the dependency at a chart directory, relative to this Chart.yaml", line: 5, column: 46, file: "chart/hyrax/Chart.yaml" },
    ]);
  });

  it("a pin repository key values.yaml lacks", () => {
    expect(problems(`${R}images: [{name: a, target: dassie}]\ncharts:\n  - path: chart/hyrax\n    pins: [{image: a, tag: image.tag, repository: image.repo}]\n`)).toEqual([
      { field: "charts[0].pins[0].repository", message: "image.repo is no key of chart/hyrax/values.yaml", fix: "name an existing key, or add image.repo to values.yaml", line: 5, column: 51, file: "charthouse.yaml" },
    ]);
  });

  it("an empty file and a file that is not a mapping", () => {
    expect(problems("  \n")).toEqual([{ field: "(top level)", message: "the file is empty", fix: "declare at least the registry, e.g. `registry: ghcr.io/samvera`, and the images and charts to publish", line: 1, column: 1, file: "charthouse.yaml" }]);
    expect(problems("# nothing\n")[0]!.message).toBe("the file is empty");
  });

  it("a file that cannot be read, and one that is a directory", () => {
    const root = tempTree({ "x/y": "" });
    expect(() => loadConfig(join(root, "x"))).toThrow(`cannot read ${join(root, "x")}: not a readable file. Pass the project's charthouse.yaml with --config, or write one with \`charthouse init\`.`);
  });

  it("two charts publishing to one repository", () => {
    const p = problems(`${R}charts:\n  - path: chart/hyrax\n  - path: chart/hyrax\n`);
    expect(p.map((x) => [x.field, x.message])).toContainEqual(["charts[1].path", 'chart "charts/hyrax" is declared twice (also at charts[0].path)']);
  });
});
