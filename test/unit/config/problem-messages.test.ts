import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig, parseConfig, type ConfigProblem } from "../../../src/config/index.js";
import { projectFilesOnDisk, projectPath } from "../../../src/project-files/index.js";
import { tempTree } from "../../kit/temp-dir.js";

// Every config problem's exact words and place: what a person reads is part of the contract
// (and what a mutation of src/config would change).
const PROJECT = {
  Dockerfile: "FROM scratch AS base\nFROM base AS dassie\n",
  "chart/hyrax/Chart.yaml": "apiVersion: v2\nname: hyrax\nversion: 3.7.4\n",
  "chart/hyrax/values.yaml": "image:\n  tag: x\n",
  Other: "FROM scratch\nRUN true\n",
};
const CONFIG = projectPath("charthouse.yaml");
async function problems(
  yaml: string,
  files: Record<string, string> = {},
): Promise<{ field: string; message: string; fix: string; line: number; column: number; file: string }[]> {
  const root = tempTree({ ...PROJECT, ...files });
  const result = await parseConfig(yaml, projectFilesOnDisk(root), CONFIG);
  return (result.ok ? [] : result.errors).map((p: ConfigProblem) => ({ ...p, file: p.file.slice(root.length + 1) }));
}
const R = "registry: ghcr.io/x\n";

describe("config problems, word for word", () => {
  it.each([
    [
      "an image without context or Dockerfile",
      `${R}images:\n  - {name: a, context: nope}\n`,
      {
        field: "images[0].context",
        message: "build context nope is not a directory",
        fix: "create it or correct images[].context (relative to charthouse.yaml)",
        line: 3,
        column: 24,
      },
    ],
    [
      "a default Dockerfile missing",
      `${R}images:\n  - {name: a, context: chart}\n`,
      {
        field: "images[0]",
        message: "Dockerfile chart/Dockerfile does not exist",
        fix: "correct images[].dockerfile (relative to charthouse.yaml)",
        line: 3,
        column: 5,
      },
    ],
    [
      "a target in a Dockerfile without stages",
      `${R}images:\n  - {name: a, dockerfile: Other, target: web}\n`,
      {
        field: "images[0].target",
        message: 'target "web" is no stage of Other',
        fix: "name a stage in the Dockerfile (FROM … AS web)",
        line: 3,
        column: 42,
      },
    ],
    [
      "a target far from every stage",
      `${R}images:\n  - {name: a, target: zzzzzz}\n`,
      {
        field: "images[0].target",
        message: 'target "zzzzzz" is no stage of Dockerfile',
        fix: "use one of its stages: base, dassie",
        line: 3,
        column: 23,
      },
    ],
    [
      "an image name no image has, and no images",
      `${R}test:\n  image: web\n  command: [x]\n`,
      {
        field: "test.image",
        message: '"web" names no image of this file',
        fix: "declare the image under images:",
        line: 3,
        column: 10,
      },
    ],
    [
      "a chart without a name or version",
      `${R}charts:\n  - path: chart/hyrax\n`,
      {
        field: "(top level)",
        message: "Chart.yaml has no version",
        fix: "add version: 0.1.0 (semver)",
        line: 1,
        column: 1,
      },
    ],
    [
      "a chart YAML error",
      `${R}charts:\n  - path: chart/hyrax\n`,
      {
        field: "(yaml)",
        message: expect.stringMatching(/^YAML syntax error: /),
        fix: "fix the YAML syntax at this position",
        line: 2,
        column: 1,
      },
    ],
    [
      "a pattern with a placeholder twice",
      `${R}policy:\n  releaseTag: "v{version}-{version}"\n`,
      {
        field: "policy.releaseTag",
        message: 'tag pattern "v{version}-{version}" must contain {version} exactly once',
        fix: "write it like {version}, e.g. v{version}",
        line: 3,
        column: 15,
      },
    ],
    [
      "a chart pattern with an unknown placeholder",
      `${R}policy:\n  chartReleaseTag: "{chart}-{name}-{version}"\n`,
      {
        field: "policy.chartReleaseTag",
        message: 'tag pattern "{chart}-{name}-{version}" has an unknown placeholder {name}',
        fix: "use only {chart} and {version}",
        line: 3,
        column: 20,
      },
    ],
    [
      "a repository name too long",
      `registry: ghcr.io/${"n".repeat(240)}\nimages:\n  - {name: a, target: dassie, repository: ${"r".repeat(20)}}\n`,
      {
        field: "images[0].repository",
        message: `ghcr.io/${"n".repeat(240)}/${"r".repeat(20)} is longer than 255 characters`,
        fix: "shorten the registry namespace or the repository",
        line: 3,
        column: 43,
      },
    ],
  ])("%s", async (_, yaml, expected) => {
    const files: Record<string, string> =
      _ === "a chart without a name or version"
        ? { "chart/hyrax/Chart.yaml": "apiVersion: v2\nname: hyrax\n" }
        : _ === "a chart YAML error"
          ? { "chart/hyrax/Chart.yaml": "name: [\n" }
          : {};
    expect(await problems(yaml, files)).toContainEqual({
      ...expected,
      file: expect.stringMatching(/charthouse\.yaml$|Chart\.yaml$/),
    });
  });

  it("a Chart.yaml without a name", async () => {
    expect(
      await problems(`${R}charts:\n  - path: chart/hyrax\n`, {
        "chart/hyrax/Chart.yaml": "apiVersion: v2\nversion: 1.0.0\n",
      }),
    ).toEqual([
      {
        field: "(top level)",
        message: "Chart.yaml has no name",
        fix: "add name: <chart name>",
        line: 1,
        column: 1,
        file: "chart/hyrax/Chart.yaml",
      },
    ]);
  });

  it("a dependency path with a directory, and one whose chart is elsewhere", async () => {
    const chartYaml =
      "apiVersion: v2\nname: hyrax\nversion: 3.7.4\ndependencies:\n" +
      "  - {name: solr, version: 0.1.0, repository: 'file://../deps/solrr'}\n" +
      "  - {name: x, version: 1.0.0, repository: 'https://charts.example.org'}\n";
    expect(
      await problems(`${R}charts:\n  - path: chart/hyrax\n`, {
        "chart/hyrax/Chart.yaml": chartYaml,
        "chart/deps/solr/Chart.yaml": "apiVersion: v2\nname: solr\nversion: 0.1.0\n",
      }),
    ).toEqual([
      {
        field: "dependencies[0].repository",
        message: 'file://../deps/solrr holds no chart; did you mean "file://../deps/solr"?',
        fix: "point the dependency at a chart directory, relative to this Chart.yaml",
        line: 5,
        column: 46,
        file: "chart/hyrax/Chart.yaml",
      },
    ]);
  });

  it("a pin repository key values.yaml lacks", async () => {
    expect(
      await problems(
        `${R}images: [{name: a, target: dassie}]\ncharts:\n  - path: chart/hyrax\n` +
          "    pins: [{image: a, tag: image.tag, repository: image.repo}]\n",
      ),
    ).toEqual([
      {
        field: "charts[0].pins[0].repository",
        message: "image.repo is no key of chart/hyrax/values.yaml",
        fix: "name an existing key, or add image.repo to values.yaml",
        line: 5,
        column: 51,
        file: "charthouse.yaml",
      },
    ]);
  });

  it("an empty file and a file that is not a mapping", async () => {
    expect(await problems("  \n")).toEqual([
      {
        field: "(top level)",
        message: "the file is empty",
        fix: "declare at least the registry, e.g. `registry: ghcr.io/samvera`, and the images and charts to publish",
        line: 1,
        column: 1,
        file: "charthouse.yaml",
      },
    ]);
    expect((await problems("# nothing\n"))[0]!.message).toBe("the file is empty");
  });

  it("a file that cannot be read, and one that is a directory", async () => {
    const root = tempTree({ "x/y": "" });
    await expect(loadConfig(projectFilesOnDisk(root), projectPath("x"))).rejects.toThrow(
      `cannot read ${join(root, "x")}: not a readable file. Pass the project's charthouse.yaml with --config, or ` +
        `write one with \`charthouse init\`.`,
    );
  });

  it("two charts publishing to one repository", async () => {
    const p = await problems(`${R}charts:\n  - path: chart/hyrax\n  - path: chart/hyrax\n`);
    expect(p.map((x) => [x.field, x.message])).toContainEqual([
      "charts[1].path",
      'chart "charts/hyrax" is declared twice (also at charts[0].path)',
    ]);
  });
});

// Each config problem in full (file, place, field, words, fix), for inputs that reach the less
// travelled checks: what a person reads is the contract, and a mutation of src/config changes it.
const LESS_TRAVELLED: Record<string, string> = {
  Dockerfile: "FROM scratch AS base\nFROM base AS dassie\n",
  "chart/hyrax/Chart.yaml": "apiVersion: v2\nname: hyrax\nversion: 3.7.4\n",
  "chart/hyrax/values.yaml": "image:\n  tag: x\n",
};

type Problem = { file: string; line: number; column: number; field: string; message: string; fix: string };
type Outcome = { ok: true; warnings: Problem[] } | { ok: false; errors: Problem[] };

async function outcome(yaml: string, files: Record<string, string>): Promise<Outcome> {
  const root = tempTree({ ...LESS_TRAVELLED, ...files });
  const result = await parseConfig(yaml, projectFilesOnDisk(root), CONFIG);
  const strip = (p: Problem) => ({ ...p, file: p.file.slice(root.length + 1) });
  return result.ok
    ? { ok: true, warnings: result.warnings.map(strip) }
    : { ok: false, errors: result.errors.map(strip) };
}

const IN_FULL: [name: string, yaml: string, files: Record<string, string>, expected: Outcome][] = [
  [
    "a key given twice",
    "registry: ghcr.io/a\nregistry: ghcr.io/b\n",
    {},
    {
      ok: false,
      errors: [
        {
          file: "charthouse.yaml",
          line: 2,
          column: 1,
          field: "(yaml)",
          message: "YAML syntax error: Map keys must be unique",
          fix: "fix the YAML syntax at this position",
        },
      ],
    },
  ],
  [
    "a file of blank lines",
    "   \n\n",
    {},
    {
      ok: false,
      errors: [
        {
          file: "charthouse.yaml",
          line: 1,
          column: 1,
          field: "(top level)",
          message: "the file is empty",
          fix: "declare at least the registry, e.g. `registry: ghcr.io/samvera`, and the images and charts to publish",
        },
      ],
    },
  ],
  [
    "a file of comments only",
    "# nothing here\n",
    {},
    {
      ok: false,
      errors: [
        {
          file: "charthouse.yaml",
          line: 1,
          column: 1,
          field: "(top level)",
          message: "the file is empty",
          fix: "declare at least the registry, e.g. `registry: ghcr.io/samvera`, and the images and charts to publish",
        },
      ],
    },
  ],
  [
    "a YAML syntax error",
    "registry: [ghcr.io\n",
    {},
    {
      ok: false,
      errors: [
        {
          file: "charthouse.yaml",
          line: 2,
          column: 1,
          field: "(yaml)",
          message:
            "YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]",
          fix: "fix the YAML syntax at this position",
        },
      ],
    },
  ],
  [
    "two YAML syntax errors, each at its place",
    "registry: [\nimages: {\n",
    {},
    {
      ok: false,
      errors: [
        {
          file: "charthouse.yaml",
          line: 2,
          column: 1,
          field: "(yaml)",
          message:
            "YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]",
          fix: "fix the YAML syntax at this position",
        },
        {
          file: "charthouse.yaml",
          line: 3,
          column: 1,
          field: "(yaml)",
          message: "YAML syntax error: Flow map in block collection must be sufficiently indented and end with a }",
          fix: "fix the YAML syntax at this position",
        },
      ],
    },
  ],
  [
    "more than 100 aliases in a flow list",
    `registry: ghcr.io/x\na: &a [1]\nb: [${Array(101).fill("*a").join(", ")}]\n`,
    {},
    {
      ok: false,
      errors: [
        {
          file: "charthouse.yaml",
          line: 3,
          column: 5,
          field: "(yaml)",
          message: "Excessive alias count indicates a resource exhaustion attack (more than 100 aliases)",
          fix: "write the repeated parts out, or use fewer anchors and aliases",
        },
      ],
    },
  ],
  [
    "more than 100 aliases in a block list",
    `registry: ghcr.io/x\nx: &a {k: v}\nlist:\n${"  - *a\n".repeat(101)}`,
    {},
    {
      ok: false,
      errors: [
        {
          file: "charthouse.yaml",
          line: 4,
          column: 5,
          field: "(yaml)",
          message: "Excessive alias count indicates a resource exhaustion attack (more than 100 aliases)",
          fix: "write the repeated parts out, or use fewer anchors and aliases",
        },
      ],
    },
  ],
  [
    "a schema problem does not hide a file check elsewhere",
    "registry: ghcr.io/x\nimages:\n  - {name: a, target: nope}\ncharts: x\n",
    {},
    {
      ok: false,
      errors: [
        {
          file: "charthouse.yaml",
          line: 4,
          column: 9,
          field: "charts",
          message: "must be a list",
          fix: "write charts as a list",
        },
        {
          file: "charthouse.yaml",
          line: 3,
          column: 23,
          field: "images[0].target",
          message: 'target "nope" is no stage of Dockerfile',
          fix: "use one of its stages: base, dassie",
        },
      ],
    },
  ],
  [
    "a schema problem hides the file check of the same field",
    "registry: ghcr.io/x\nimages:\n  - {name: a, target: 5}\n",
    {},
    {
      ok: false,
      errors: [
        {
          file: "charthouse.yaml",
          line: 3,
          column: 23,
          field: "images[0].target",
          message: "must be a string",
          fix: "write images[0].target as a string",
        },
      ],
    },
  ],
  [
    "a schema problem on one key does not hide a sibling's file check",
    "registry: ghcr.io/x\nimages:\n  - {name: a, target: nope, platforms: x}\n",
    {},
    {
      ok: false,
      errors: [
        {
          file: "charthouse.yaml",
          line: 3,
          column: 40,
          field: "images[0].platforms",
          message: "must be a list",
          fix: "write images[0].platforms as a list",
        },
        {
          file: "charthouse.yaml",
          line: 3,
          column: 23,
          field: "images[0].target",
          message: 'target "nope" is no stage of Dockerfile',
          fix: "use one of its stages: base, dassie",
        },
      ],
    },
  ],
  [
    "a schema problem deep in test does not hide test.image's check",
    "registry: ghcr.io/x\ntest:\n  image: nope\n  command: [x]\n  services: [{name: s, image: s, port: 0}]\n",
    {},
    {
      ok: false,
      errors: [
        {
          file: "charthouse.yaml",
          line: 5,
          column: 40,
          field: "test.services[0].port",
          message: "must be >= 1",
          fix: "correct test.services[0].port",
        },
        {
          file: "charthouse.yaml",
          line: 3,
          column: 10,
          field: "test.image",
          message: '"nope" names no image of this file',
          fix: "declare the image under images:",
        },
      ],
    },
  ],
  [
    "an unknown top-level key does not hide the other checks",
    "registry: ghcr.io/x\nzz: 1\nimages:\n  - {name: a, target: nope}\n",
    {},
    {
      ok: false,
      errors: [
        {
          file: "charthouse.yaml",
          line: 2,
          column: 1,
          field: "zz",
          message: 'unknown key "zz"',
          fix: "remove it; the keys allowed here are: registry, plainHttp, source, images, test, charts, policy",
        },
        {
          file: "charthouse.yaml",
          line: 4,
          column: 23,
          field: "images[0].target",
          message: 'target "nope" is no stage of Dockerfile',
          fix: "use one of its stages: base, dassie",
        },
      ],
    },
  ],
  [
    "a default Dockerfile that is a directory",
    "registry: ghcr.io/x\nimages:\n  - {name: a, context: ctx}\n",
    { "ctx/Dockerfile/x": "" },
    {
      ok: false,
      errors: [
        {
          file: "charthouse.yaml",
          line: 3,
          column: 5,
          field: "images[0]",
          message: "ctx/Dockerfile is a directory, not a Dockerfile",
          fix: "point images[].dockerfile at the Dockerfile itself (relative to charthouse.yaml)",
        },
      ],
    },
  ],
  [
    "a named Dockerfile that is a directory",
    "registry: ghcr.io/x\nimages:\n  - {name: a, dockerfile: ctx/Dockerfile}\n",
    { "ctx/Dockerfile/x": "" },
    {
      ok: false,
      errors: [
        {
          file: "charthouse.yaml",
          line: 3,
          column: 27,
          field: "images[0].dockerfile",
          message: "ctx/Dockerfile is a directory, not a Dockerfile",
          fix: "point images[].dockerfile at the Dockerfile itself (relative to charthouse.yaml)",
        },
      ],
    },
  ],
  [
    "a Chart.yaml that is a directory",
    "registry: ghcr.io/x\ncharts:\n  - path: c\n",
    { "c/Chart.yaml/x": "" },
    {
      ok: false,
      errors: [
        {
          file: "charthouse.yaml",
          line: 3,
          column: 11,
          field: "charts[0].path",
          message: "c/Chart.yaml is a directory, not a chart's Chart.yaml",
          fix: "point charts[].path at a chart directory holding a Chart.yaml file",
        },
      ],
    },
  ],
  [
    "a Chart.yaml syntax error stops that chart's checks",
    "registry: ghcr.io/x\ncharts:\n  - path: chart/hyrax\n",
    { "chart/hyrax/Chart.yaml": "name: hyrax\nversion: [\n" },
    {
      ok: false,
      errors: [
        {
          file: "chart/hyrax/Chart.yaml",
          line: 3,
          column: 1,
          field: "(yaml)",
          message:
            "YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]",
          fix: "fix the YAML syntax at this position",
        },
      ],
    },
  ],
  [
    "a chart name no OCI name can be",
    "registry: ghcr.io/x\ncharts:\n  - path: chart/hyrax\n",
    { "chart/hyrax/Chart.yaml": "name: Hyrax_App-\nversion: 1.0.0\n" },
    {
      ok: false,
      errors: [
        {
          file: "chart/hyrax/Chart.yaml",
          line: 1,
          column: 7,
          field: "name",
          message: 'name "Hyrax_App-" cannot be an OCI repository name',
          fix: "use lowercase letters and digits separated by single '.', '_' or '-', e.g. hyrax",
        },
      ],
    },
  ],
  [
    "a chart version that is not semver (1.10 kept as written)",
    "registry: ghcr.io/x\ncharts:\n  - path: chart/hyrax\n",
    { "chart/hyrax/Chart.yaml": "name: hyrax\nversion: 1.10\n" },
    {
      ok: false,
      errors: [
        {
          file: "chart/hyrax/Chart.yaml",
          line: 2,
          column: 10,
          field: "version",
          message: 'version "1.10" is not semver',
          fix: "write MAJOR.MINOR.PATCH, e.g. 1.2.3 or 1.3.0-rc.1",
        },
      ],
    },
  ],
  [
    "a chart version with build metadata is a warning",
    "registry: ghcr.io/x\ncharts:\n  - path: chart/hyrax\n",
    { "chart/hyrax/Chart.yaml": "name: hyrax\nversion: 1.0.0+build.1\n" },
    {
      ok: true,
      warnings: [
        {
          file: "chart/hyrax/Chart.yaml",
          line: 2,
          column: 10,
          field: "version",
          message: 'version "1.0.0+build.1" has build metadata, which OCI tags cannot hold',
          fix: "drop the +… part; a release of this version will be refused",
        },
      ],
    },
  ],
  [
    "a local dependency beside the chart, misspelt",
    "registry: ghcr.io/x\ncharts:\n  - path: chart/hyrax\n",
    {
      "chart/hyrax/Chart.yaml":
        "name: hyrax\nversion: 1.0.0\ndependencies:\n  - {name: solr, version: 1.0.0, repository: 'file://solrr'}\n",
      "chart/hyrax/solr/Chart.yaml": "name: solr\nversion: 1.0.0\n",
    },
    {
      ok: false,
      errors: [
        {
          file: "chart/hyrax/Chart.yaml",
          line: 4,
          column: 46,
          field: "dependencies[0].repository",
          message: 'file://solrr holds no chart; did you mean "file://solr"?',
          fix: "point the dependency at a chart directory, relative to this Chart.yaml",
        },
      ],
    },
  ],
  [
    "a local dependency with nothing like it",
    "registry: ghcr.io/x\ncharts:\n  - path: chart/hyrax\n",
    {
      "chart/hyrax/Chart.yaml":
        "name: hyrax\nversion: 1.0.0\ndependencies:\n  - {name: solr, version: 1.0.0, repository: 'file://../solr'}\n",
    },
    {
      ok: false,
      errors: [
        {
          file: "chart/hyrax/Chart.yaml",
          line: 4,
          column: 46,
          field: "dependencies[0].repository",
          message: "file://../solr holds no chart",
          fix: "point the dependency at a chart directory, relative to this Chart.yaml",
        },
      ],
    },
  ],
  [
    "a local dependency that is there",
    "registry: ghcr.io/x\ncharts:\n  - path: chart/hyrax\n",
    {
      "chart/hyrax/Chart.yaml":
        "name: hyrax\nversion: 1.0.0\ndependencies:\n  - {name: solr, version: 1.0.0, repository: 'file://../solr'}\n",
      "chart/solr/Chart.yaml": "name: solr\nversion: 1.0.0\n",
    },
    { ok: true, warnings: [] },
  ],
  [
    "pin keys values.yaml lacks, with and without a near key",
    "registry: ghcr.io/x\nimages:\n  - {name: dassie, target: dassie}\ncharts:\n  - path: chart/hyrax\n    pins:\n" +
      "      - {image: dassie, tag: image.tagg, repository: image.repo, digest: imag.digest}\n" +
      "      - {image: dassie, tag: image.tag, digest: digest}\n",
    {},
    {
      ok: false,
      errors: [
        {
          file: "charthouse.yaml",
          line: 7,
          column: 30,
          field: "charts[0].pins[0].tag",
          message: 'image.tagg is no key of chart/hyrax/values.yaml; did you mean "image.tag"?',
          fix: "name an existing key, or add image.tagg to values.yaml",
        },
        {
          file: "charthouse.yaml",
          line: 7,
          column: 54,
          field: "charts[0].pins[0].repository",
          message: "image.repo is no key of chart/hyrax/values.yaml",
          fix: "name an existing key, or add image.repo to values.yaml",
        },
        {
          file: "charthouse.yaml",
          line: 7,
          column: 74,
          field: "charts[0].pins[0].digest",
          message: 'imag is no key of chart/hyrax/values.yaml; did you mean "image"?',
          fix: "add imag to values.yaml, or correct the key",
        },
      ],
    },
  ],
  [
    "pins into a chart without values.yaml",
    "registry: ghcr.io/x\nimages:\n  - {name: dassie, target: dassie}\ncharts:\n  - path: c\n    pins:\n" +
      "      - {image: dassie, tag: image.tag}\n",
    { "c/Chart.yaml": "name: c\nversion: 1.0.0\n" },
    {
      ok: false,
      errors: [
        {
          file: "charthouse.yaml",
          line: 7,
          column: 30,
          field: "charts[0].pins[0].tag",
          message: "image.tag is no key of c/values.yaml",
          fix: "name an existing key, or add image.tag to values.yaml",
        },
      ],
    },
  ],
  [
    "a pin into a list is no key",
    "registry: ghcr.io/x\nimages:\n  - {name: dassie, target: dassie}\ncharts:\n  - path: c\n    pins:\n" +
      "      - {image: dassie, tag: image.0}\n",
    { "c/Chart.yaml": "name: c\nversion: 1.0.0\n", "c/values.yaml": "image: [a]\n" },
    {
      ok: false,
      errors: [
        {
          file: "charthouse.yaml",
          line: 7,
          column: 30,
          field: "charts[0].pins[0].tag",
          message: 'image.0 is no key of c/values.yaml; did you mean "image"?',
          fix: "name an existing key, or add image.0 to values.yaml",
        },
      ],
    },
  ],
  [
    "a test image misspelt",
    "registry: ghcr.io/x\nimages:\n  - {name: dassie, target: dassie}\ntest:\n  image: dasie\n  command: [x]\n",
    {},
    {
      ok: false,
      errors: [
        {
          file: "charthouse.yaml",
          line: 5,
          column: 10,
          field: "test.image",
          message: '"dasie" names no image of this file; did you mean "dassie"?',
          fix: "use one of: dassie",
        },
      ],
    },
  ],
  [
    "a chart pattern without {version}",
    'registry: ghcr.io/x\npolicy:\n  chartReleaseTag: "{chart}-v"\n',
    {},
    {
      ok: false,
      errors: [
        {
          file: "charthouse.yaml",
          line: 3,
          column: 20,
          field: "policy.chartReleaseTag",
          message: 'tag pattern "{chart}-v" must contain {version} exactly once',
          fix: "write it like {chart}-{version}, e.g. {chart}-chart-v{version}",
        },
      ],
    },
  ],
  [
    "a release pattern that reads a chart tag as a prerelease",
    'registry: ghcr.io/x\npolicy:\n  releaseTag: "{version}"\n  chartReleaseTag: "{version}-{chart}"\n',
    {},
    {
      ok: false,
      errors: [
        {
          file: "charthouse.yaml",
          line: 4,
          column: 20,
          field: "policy.chartReleaseTag",
          message:
            '"{version}-{chart}" with releaseTag "{version}" reads the tag 1.2.3-app ' +
            "as a release and as a chart release",
          fix:
            "give the two patterns different literal text, " +
            'e.g. releaseTag: "v{version}" and chartReleaseTag: "{chart}-chart-v{version}"',
        },
      ],
    },
  ],
  [
    "a chart pattern that extends the release pattern",
    'registry: ghcr.io/x\npolicy:\n  releaseTag: "v{version}"\n  chartReleaseTag: "v{version}-{chart}"\n',
    {},
    {
      ok: false,
      errors: [
        {
          file: "charthouse.yaml",
          line: 4,
          column: 20,
          field: "policy.chartReleaseTag",
          message:
            '"v{version}-{chart}" with releaseTag "v{version}" reads the tag v1.2.3-app ' +
            "as a release and as a chart release",
          fix:
            "give the two patterns different literal text, " +
            'e.g. releaseTag: "v{version}" and chartReleaseTag: "{chart}-chart-v{version}"',
        },
      ],
    },
  ],
  [
    "a chart whose name is a version makes {version} and {chart}-{version} collide",
    'registry: ghcr.io/x\ncharts:\n  - path: c\npolicy:\n  releaseTag: "{version}"\n' +
      '  chartReleaseTag: "{chart}-{version}"\n',
    { "c/Chart.yaml": "name: 1.2.3\nversion: 1.0.0\n" },
    {
      ok: false,
      errors: [
        {
          file: "charthouse.yaml",
          line: 6,
          column: 20,
          field: "policy.chartReleaseTag",
          message:
            '"{chart}-{version}" with releaseTag "{version}" reads the tag 1.2.3-1.2.3 ' +
            "as a release and as a chart release",
          fix:
            "give the two patterns different literal text, " +
            'e.g. releaseTag: "v{version}" and chartReleaseTag: "{chart}-chart-v{version}"',
        },
      ],
    },
  ],
  [
    "bare versions for releases, {chart}-{version} for charts: no semver starts with a chart's name",
    'registry: ghcr.io/x\ncharts:\n  - path: chart/hyrax\npolicy:\n  releaseTag: "{version}"\n' +
      '  chartReleaseTag: "{chart}-{version}"\n',
    {},
    { ok: true, warnings: [] },
  ],
  [
    "Hyrax's tags: hyrax-v{version} and, for its one chart, hyrax-chart-{version}",
    'registry: ghcr.io/x\ncharts:\n  - path: chart/hyrax\npolicy:\n  releaseTag: "hyrax-v{version}"\n' +
      '  chartReleaseTag: "hyrax-chart-{version}"\n',
    {},
    { ok: true, warnings: [] },
  ],
  [
    "helm-{version} beside v{version} with one chart",
    'registry: ghcr.io/x\ncharts:\n  - path: chart/hyrax\npolicy:\n  chartReleaseTag: "helm-{version}"\n',
    {},
    { ok: true, warnings: [] },
  ],
  [
    "a chart pattern without {chart} when there are two charts",
    'registry: ghcr.io/x\ncharts:\n  - path: chart/hyrax\n  - path: c\npolicy:\n  chartReleaseTag: "helm-{version}"\n',
    { "c/Chart.yaml": "name: c\nversion: 1.0.0\n" },
    {
      ok: false,
      errors: [
        {
          file: "charthouse.yaml",
          line: 6,
          column: 20,
          field: "policy.chartReleaseTag",
          message:
            'tag pattern "helm-{version}" must contain {chart} exactly once ' +
            "(this file declares several charts: a tag must say which it releases)",
          fix: "write it like {chart}-{version}, e.g. {chart}-chart-v{version}",
        },
      ],
    },
  ],
  [
    "{chart} twice in a one-chart pattern",
    'registry: ghcr.io/x\npolicy:\n  chartReleaseTag: "{chart}-{chart}-{version}"\n',
    {},
    {
      ok: false,
      errors: [
        {
          file: "charthouse.yaml",
          line: 3,
          column: 20,
          field: "policy.chartReleaseTag",
          message: 'tag pattern "{chart}-{chart}-{version}" must contain {chart} at most once',
          fix: "write it like {chart}-chart-v{version}",
        },
      ],
    },
  ],
  [
    "a service without a port, reached by name as compose reaches it",
    "registry: ghcr.io/x\nimages:\n  - {name: dassie, target: dassie}\ntest:\n  image: dassie\n  command: [x]\n" +
      "  services:\n    - {name: redis, image: redis:6, ready: [redis-cli, ping]}\n",
    {},
    { ok: true, warnings: [] },
  ],
  ["localhost is a registry host", "registry: localhost/x\n", {}, { ok: true, warnings: [] }],
  ["a host with a port is a registry host", "registry: reg:5000/x\n", {}, { ok: true, warnings: [] }],
  [
    "a namespace without a host",
    "registry: samvera/x\n",
    {},
    {
      ok: false,
      errors: [
        {
          file: "charthouse.yaml",
          line: 1,
          column: 11,
          field: "registry",
          message:
            '"samvera/x" has no registry host: docker would push it to Docker Hub (docker.io/samvera/x) while ' +
            "charthouse would read https://samvera",
          fix: "name the registry, e.g. registry: ghcr.io/samvera/x (or docker.io/samvera/x for Docker Hub)",
        },
      ],
    },
  ],
  [
    "OCI repository names: '__' and runs of '-' allowed, '_-', a trailing '/' or '.' not",
    "registry: ghcr.io/x\nimages:\n  - {name: a, target: dassie, repository: 'a__b/c-d'}\n" +
      "  - {name: b, target: dassie, repository: 'a---b'}\n  - {name: c, target: dassie, repository: 'a_-b'}\n" +
      "  - {name: d, target: dassie, repository: 'a/'}\n  - {name: e, target: dassie, repository: 'ab.'}\n",
    {},
    {
      ok: false,
      errors: [
        {
          file: "charthouse.yaml",
          line: 5,
          column: 43,
          field: "images[2].repository",
          message: '"a_-b" is not an OCI repository name',
          fix:
            "use lowercase letters and digits separated by '.', '_', '__' or '-', " +
            "with '/' between components, e.g. samvera/dassie",
        },
        {
          file: "charthouse.yaml",
          line: 6,
          column: 43,
          field: "images[3].repository",
          message: '"a/" is not an OCI repository name',
          fix:
            "use lowercase letters and digits separated by '.', '_', '__' or '-', " +
            "with '/' between components, e.g. samvera/dassie",
        },
        {
          file: "charthouse.yaml",
          line: 7,
          column: 43,
          field: "images[4].repository",
          message: '"ab." is not an OCI repository name',
          fix:
            "use lowercase letters and digits separated by '.', '_', '__' or '-', " +
            "with '/' between components, e.g. samvera/dassie",
        },
      ],
    },
  ],
  [
    "a full repository name of exactly 255 characters",
    `registry: ghcr.io/${"n".repeat(240)}\nimages:\n  - {name: a, target: dassie, repository: rrrrrr}\n`,
    {},
    { ok: true, warnings: [] },
  ],
  [
    "chart names: '.', '_' and '-' between characters, not doubled or trailing",
    "registry: ghcr.io/x\ncharts:\n  - path: c1\n  - path: c2\n  - path: c3\n",
    {
      "c1/Chart.yaml": "name: a.b_c-d\nversion: 1.0.0\n",
      "c2/Chart.yaml": "name: a..b\nversion: 1.0.0\n",
      "c3/Chart.yaml": "name: ab-\nversion: 1.0.0\n",
    },
    {
      ok: false,
      errors: [
        {
          file: "c2/Chart.yaml",
          line: 1,
          column: 7,
          field: "name",
          message: 'name "a..b" cannot be an OCI repository name',
          fix: "use lowercase letters and digits separated by single '.', '_' or '-', e.g. hyrax",
        },
        {
          file: "c3/Chart.yaml",
          line: 1,
          column: 7,
          field: "name",
          message: 'name "ab-" cannot be an OCI repository name',
          fix: "use lowercase letters and digits separated by single '.', '_' or '-', e.g. hyrax",
        },
      ],
    },
  ],
  [
    "a test without caches has none",
    "registry: ghcr.io/x\nimages:\n  - {name: dassie, target: dassie}\ntest:\n  image: dassie\n  command: [x]\n",
    {},
    { ok: true, warnings: [] },
  ],
  [
    "a chart path at the project's root with no Chart.yaml",
    "registry: ghcr.io/x\ncharts:\n  - path: .\n",
    {},
    {
      ok: false,
      errors: [
        {
          file: "charthouse.yaml",
          line: 3,
          column: 11,
          field: "charts[0].path",
          message: ". holds no Chart.yaml",
          fix: "point charts[].path at a chart directory (relative to charthouse.yaml)",
        },
      ],
    },
  ],
  [
    "of two schema problems, the one on the same field hides its file check (a name declared twice)",
    "registry: ghcr.io/x\nzz: 1\nimages:\n  - {name: A, target: dassie}\n  - {name: A, target: dassie}\n",
    {},
    {
      ok: false,
      errors: [
        {
          file: "charthouse.yaml",
          line: 2,
          column: 1,
          field: "zz",
          message: 'unknown key "zz"',
          fix: "remove it; the keys allowed here are: registry, plainHttp, source, images, test, charts, policy",
        },
        {
          file: "charthouse.yaml",
          line: 4,
          column: 12,
          field: "images[0].name",
          message: "is not a valid name",
          fix: "use lowercase letters and digits, separated by single '.', '_' or '-', e.g. hyrax-worker",
        },
        {
          file: "charthouse.yaml",
          line: 5,
          column: 12,
          field: "images[1].name",
          message: "is not a valid name",
          fix: "use lowercase letters and digits, separated by single '.', '_' or '-', e.g. hyrax-worker",
        },
      ],
    },
  ],
  [
    "a schema problem inside an image hides that image's file check (its Dockerfile)",
    "registry: ghcr.io/x\nimages:\n  - {name: A, context: chart}\n",
    {},
    {
      ok: false,
      errors: [
        {
          file: "charthouse.yaml",
          line: 3,
          column: 12,
          field: "images[0].name",
          message: "is not a valid name",
          fix: "use lowercase letters and digits, separated by single '.', '_' or '-', e.g. hyrax-worker",
        },
      ],
    },
  ],
  [
    "a schema problem on an image hides the file checks inside it (its target)",
    "registry: ghcr.io/x\nimages:\n  - {target: nope}\n",
    {},
    {
      ok: false,
      errors: [
        {
          file: "charthouse.yaml",
          line: 3,
          column: 5,
          field: "images[0]",
          message: 'missing required key "name" in images[0]',
          fix: "add name: \u2026",
        },
      ],
    },
  ],
  [
    "a local dependency directory without a Chart.yaml",
    "registry: ghcr.io/x\ncharts:\n  - path: chart/hyrax\n",
    {
      "chart/hyrax/Chart.yaml":
        "name: hyrax\nversion: 1.0.0\ndependencies:\n  - {name: solr, version: 1.0.0, repository: 'file://../empty'}\n",
      "chart/empty/README": "x",
    },
    {
      ok: false,
      errors: [
        {
          file: "chart/hyrax/Chart.yaml",
          line: 4,
          column: 46,
          field: "dependencies[0].repository",
          message: "file://../empty holds no chart",
          fix: "point the dependency at a chart directory, relative to this Chart.yaml",
        },
      ],
    },
  ],
  [
    "no hint towards a directory without a Chart.yaml",
    "registry: ghcr.io/x\ncharts:\n  - path: chart/hyrax\n",
    {
      "chart/hyrax/Chart.yaml":
        "name: hyrax\nversion: 1.0.0\ndependencies:\n  - {name: solr, version: 1.0.0, repository: 'file://../solrr'}\n",
      "chart/solr/README": "x",
    },
    {
      ok: false,
      errors: [
        {
          file: "chart/hyrax/Chart.yaml",
          line: 4,
          column: 46,
          field: "dependencies[0].repository",
          message: "file://../solrr holds no chart",
          fix: "point the dependency at a chart directory, relative to this Chart.yaml",
        },
      ],
    },
  ],
  [
    "a misspelt test image among several",
    "registry: ghcr.io/x\nimages:\n  - {name: web, target: dassie}\n  - {name: worker, target: dassie}\ntest:\n" +
      "  image: wrker\n  command: [x]\n",
    {},
    {
      ok: false,
      errors: [
        {
          file: "charthouse.yaml",
          line: 6,
          column: 10,
          field: "test.image",
          message: '"wrker" names no image of this file; did you mean "worker"?',
          fix: "use one of: web, worker",
        },
      ],
    },
  ],
  [
    "names with separators inside components, in every component",
    "registry: ghcr.io/x\nimages:\n  - {name: a, target: dassie, repository: 'ns/b--c'}\n" +
      "  - {name: b, target: dassie, repository: 'ns/b__c.d'}\ncharts:\n  - path: c1\n",
    { "c1/Chart.yaml": "name: hyrax-web.v2_x\nversion: 1.0.0\n" },
    { ok: true, warnings: [] },
  ],
];

describe("config problems in full, for the less travelled checks", () => {
  it.each(IN_FULL)("%s", async (_name, yaml, files, expected) => {
    expect(await outcome(yaml, files)).toStrictEqual(expected);
  });

  it("a problem of the whole file (no registry) hides the file checks, which would read a half-config", async () => {
    const found = await outcome("images:\n  - {name: a, target: nope}\n", {});
    expect(found.ok || found.errors.map((e) => [e.field, e.message])).toStrictEqual([
      ["(top level)", 'missing required key "registry"'],
    ]);
  });

  it("a test without caches has an empty list of them", async () => {
    const result = await parseConfig(
      "registry: ghcr.io/x\nimages:\n  - {name: dassie, target: dassie}\ntest:\n  image: dassie\n  command: [x]\n",
      projectFilesOnDisk(tempTree(LESS_TRAVELLED)),
      CONFIG,
    );
    expect(result.ok && result.config.test?.caches).toStrictEqual([]);
  });
});
