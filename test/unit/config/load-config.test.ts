import { projectFilesInMemory } from "../../kit/project-files-in-memory.js";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig, parseConfig, type ConfigProblem } from "../../../src/config/index.js";
import { ConfigError } from "../../../src/errors.js";
import {
  projectFilesOnDisk,
  projectPath,
  readText,
  type ProjectEntry,
  type ProjectFiles,
} from "../../../src/project-files/index.js";
import { prepareFromFiles } from "../../../src/release/index.js";
import { tempTree } from "../../kit/temp-dir.js";

const PROJECT = {
  Dockerfile: "FROM scratch AS hyrax-base\nFROM hyrax-base AS dassie\nFROM dassie AS dassie-worker\n",
  "chart/hyrax/Chart.yaml": "apiVersion: v2\nname: hyrax\nversion: 3.7.4\nappVersion: '5.0.0'\n",
  "chart/hyrax/values.yaml": "image:\n  tag: x\n",
};

const VALID = `registry: ghcr.io/samvera
images:
  - name: hyrax-base
    target: hyrax-base
  - name: dassie
    target: dassie
charts:
  - path: chart/hyrax
    pins:
      - image: dassie
        tag: image.tag
`;

const CONFIG = projectPath("charthouse.yaml");
const EXAMPLE = new URL("../../../examples/hyrax/", import.meta.url).pathname;

/** Validates `yaml` as the charthouse.yaml of a small project tree. */
async function check(
  yaml: string,
  files: Record<string, string> = {},
): Promise<{ errors: ConfigProblem[]; warnings: readonly ConfigProblem[] }> {
  const root = tempTree({ ...PROJECT, ...files });
  const result = await parseConfig(yaml, projectFilesOnDisk(root), CONFIG);
  return result.ok
    ? { errors: [], warnings: result.warnings }
    : { errors: [...result.errors], warnings: result.warnings };
}

describe("a valid config", () => {
  it("loads with defaults filled in and paths resolved", async () => {
    const root = tempTree(PROJECT);
    const result = await parseConfig(VALID, projectFilesOnDisk(root), CONFIG);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { config } = result;
    expect(config.images.map((i) => [i.name, i.target, i.repository, i.platforms])).toEqual([
      ["hyrax-base", "hyrax-base", "hyrax-base", ["linux/amd64"]],
      ["dassie", "dassie", "dassie", ["linux/amd64"]],
    ]);
    expect(config.images[0]!.dockerfile).toBe(join(root, "Dockerfile"));
    expect(config.charts[0]).toMatchObject({
      name: "hyrax",
      version: "3.7.4",
      appVersion: "5.0.0",
      repository: "charts",
    });
    expect(config.policy).toEqual({
      releaseTag: "v{version}",
      chartReleaseTag: "{chart}-chart-v{version}",
      defaultBranch: "main",
    });
  });

  it("accepts the shipped Hyrax example", async () => {
    const result = await loadConfig(projectFilesOnDisk(EXAMPLE), CONFIG);
    expect(result.ok ? [] : result.errors).toEqual([]);
    if (result.ok) {
      expect(result.config.images.map((i) => i.target)).toEqual([
        "hyrax-base",
        "hyrax-worker-base",
        "dassie",
        "dassie-worker",
      ]);
      expect(result.config.test?.services.map((s) => s.name)).toEqual(["solr", "postgres", "redis", "fcrepo"]);
    }
  });
});

// Each bad input: the field and message it must report, and where.
const CASES: {
  name: string;
  yaml: string;
  files?: Record<string, string>;
  field: string;
  message: RegExp;
  fix: RegExp;
  line: number;
  column: number;
}[] = [
  {
    name: "empty file",
    yaml: "",
    field: "(top level)",
    message: /empty/,
    fix: /registry: ghcr.io/,
    line: 1,
    column: 1,
  },
  {
    name: "YAML syntax error",
    yaml: "registry: ghcr.io/x\nimages: [\n",
    field: "(yaml)",
    message: /YAML syntax error/,
    fix: /syntax/,
    line: 3,
    column: 1,
  },
  {
    name: "not a mapping",
    yaml: "- a\n- b\n",
    field: "(top level)",
    message: /mapping/,
    fix: /registry/,
    line: 1,
    column: 1,
  },
  {
    name: "unknown top-level key with did-you-mean",
    yaml: "registry: ghcr.io/x\nimagse: []\n",
    field: "imagse",
    message: /unknown key "imagse"; did you mean "images"\?/,
    fix: /rename it to images/,
    line: 2,
    column: 1,
  },
  {
    name: "unknown nested key",
    yaml: "registry: ghcr.io/x\nimages:\n  - name: dassie\n    targte: dassie\n",
    field: "images[0].targte",
    message: /did you mean "target"/,
    fix: /rename/,
    line: 4,
    column: 5,
  },
  {
    name: "unknown key without a close match",
    yaml: "registry: ghcr.io/x\nzzz: 1\n",
    field: "zzz",
    message: /unknown key "zzz"$/,
    fix: /keys allowed here are: registry, plainHttp, source, images/,
    line: 2,
    column: 1,
  },
  {
    name: "missing registry",
    yaml: "images: []\n",
    field: "(top level)",
    message: /missing required key "registry"/,
    fix: /add registry/,
    line: 1,
    column: 1,
  },
  {
    name: "wrong type",
    yaml: "registry: ghcr.io/x\nimages: dassie\n",
    field: "images",
    message: /must be a list/,
    fix: /as a list/,
    line: 2,
    column: 9,
  },
  {
    name: "bad registry",
    yaml: "registry: GHCR.io/Samvera\n",
    field: "registry",
    message: /not a registry/,
    fix: /ghcr.io\/samvera/,
    line: 1,
    column: 11,
  },
  {
    name: "bad image name",
    yaml: "registry: ghcr.io/x\nimages:\n  - name: Dassie_\n",
    field: "images[0].name",
    message: /not a valid name/,
    fix: /lowercase/,
    line: 3,
    column: 11,
  },
  {
    name: "port out of range",
    yaml:
      "registry: ghcr.io/x\nimages: [{name: dassie, target: dassie}]\ntest:\n  image: dassie\n  command: [rspec]\n" +
      "  services:\n    - {name: solr, image: solr:8, port: 70000}\n",
    field: "test.services[0].port",
    message: /must be <= 65535/,
    fix: /correct/,
    line: 7,
    column: 41,
  },
  {
    name: "duplicate image names",
    yaml: "registry: ghcr.io/x\nimages:\n  - name: dassie\n    target: dassie\n  - name: dassie\n    target: dassie\n",
    field: "images[1].name",
    message: /image name "dassie" is declared twice \(also at images\[0\]\.name\)/,
    fix: /unique/,
    line: 5,
    column: 11,
  },
  {
    name: "missing context",
    yaml: "registry: ghcr.io/x\nimages:\n  - name: dassie\n    context: nowhere\n",
    field: "images[0].context",
    message: /nowhere is not a directory/,
    fix: /create it/,
    line: 4,
    column: 14,
  },
  {
    name: "missing Dockerfile",
    yaml: "registry: ghcr.io/x\nimages:\n  - name: dassie\n    dockerfile: docker/Dockerfile.prod\n",
    field: "images[0].dockerfile",
    message: /docker\/Dockerfile.prod does not exist/,
    fix: /images\[\]\.dockerfile/,
    line: 4,
    column: 17,
  },
  {
    name: "unknown target with did-you-mean",
    yaml: "registry: ghcr.io/x\nimages:\n  - name: dassie\n    target: dasie\n",
    field: "images[0].target",
    message: /target "dasie" is no stage of Dockerfile; did you mean "dassie"\?/,
    fix: /hyrax-base, dassie, dassie-worker/,
    line: 4,
    column: 13,
  },
  {
    name: "test image not declared",
    yaml: "registry: ghcr.io/x\nimages: [{name: dassie, target: dassie}]\ntest:\n  image: dassi\n  command: [rspec]\n",
    field: "test.image",
    message: /"dassi" names no image of this file; did you mean "dassie"\?/,
    fix: /use one of: dassie/,
    line: 4,
    column: 10,
  },
  {
    name: "pin names no image",
    yaml:
      "registry: ghcr.io/x\nimages: [{name: dassie, target: dassie}]\ncharts:\n  - path: chart/hyrax\n    pins:\n" +
      "      - image: hyrax-web\n        tag: image.tag\n",
    field: "charts[0].pins[0].image",
    message: /"hyrax-web" names no image/,
    fix: /use one of: dassie/,
    line: 6,
    column: 16,
  },
  {
    name: "chart path without Chart.yaml",
    yaml: "registry: ghcr.io/x\ncharts:\n  - path: chart/solr\n",
    field: "charts[0].path",
    message: /chart\/solr holds no Chart.yaml/,
    fix: /chart directory/,
    line: 3,
    column: 11,
  },
  {
    name: "tag pattern without {version}",
    yaml: "registry: ghcr.io/x\npolicy:\n  releaseTag: release-latest\n",
    field: "policy.releaseTag",
    message: /must contain \{version\} exactly once/,
    fix: /v\{version\}/,
    line: 3,
    column: 15,
  },
  {
    name: "chart tag pattern without {chart} when there are two charts",
    yaml: "registry: ghcr.io/x\ncharts: [{path: a}, {path: b}]\npolicy:\n  chartReleaseTag: chart-v{version}\n",
    files: { "a/Chart.yaml": "name: a\nversion: 1.0.0\n", "b/Chart.yaml": "name: b\nversion: 1.0.0\n" },
    field: "policy.chartReleaseTag",
    message: /must contain \{chart\} exactly once/,
    fix: /\{chart\}-chart-v\{version\}/,
    line: 4,
    column: 20,
  },
  {
    name: "tag pattern with an unknown placeholder",
    yaml: 'registry: ghcr.io/x\npolicy:\n  releaseTag: "{name}-v{version}"\n',
    field: "policy.releaseTag",
    message: /unknown placeholder \{name\}/,
    fix: /only \{version\}/,
    line: 3,
    column: 15,
  },
];

describe("every invalid input names file, line, column, field and fix", () => {
  it.each(CASES)("$name", async ({ yaml, files, field, message, fix, line, column }) => {
    const { errors } = await check(yaml, files);
    const problem = errors.find((e) => e.field === field);
    expect(problem, `no problem for ${field} in ${JSON.stringify(errors, null, 1)}`).toBeDefined();
    expect(problem!.message).toMatch(message);
    expect(problem!.fix).toMatch(fix);
    expect([problem!.line, problem!.column]).toEqual([line, column]);
    expect(problem!.file).toMatch(/charthouse\.yaml$/);
  });
});

describe("Chart.yaml problems are located in Chart.yaml", () => {
  it("reports a version that is not semver at its line", async () => {
    const { errors } = await check(VALID, {
      "chart/hyrax/Chart.yaml": "apiVersion: v2\nname: hyrax\nversion: three\n",
    });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ field: "version", line: 3, column: 10 });
    expect(errors[0]!.file).toMatch(/chart\/hyrax\/Chart\.yaml$/);
    expect(errors[0]!.message).toMatch(/"three" is not semver/);
  });

  it("warns about build metadata, which a release would refuse", async () => {
    const { errors, warnings } = await check(VALID, {
      "chart/hyrax/Chart.yaml": "apiVersion: v2\nname: hyrax\nversion: 1.2.3+build.4\n",
    });
    expect(errors).toEqual([]);
    expect(warnings[0]?.message).toMatch(/build metadata, which OCI tags cannot hold/);
  });
});

describe("all problems at once", () => {
  it("reports every problem of a file in one result, not the first only", async () => {
    const yaml =
      "registry: ghcr.io/x\nimages:\n  - name: dassie\n    target: nope\n  - name: dassie\ncharts:\n" +
      "  - path: chart/none\npolicy:\n  releaseTag: latest\n";
    const { errors } = await check(yaml);
    expect(errors.map((e) => e.field).sort()).toEqual([
      "charts[0].path",
      "images[0].target",
      "images[1].name",
      "policy.releaseTag",
    ]);
  });

  it("throws a ConfigError naming the file when it cannot be read", async () => {
    const nowhere = projectFilesOnDisk("/nonexistent");
    await expect(loadConfig(nowhere, CONFIG)).rejects.toThrow(ConfigError);
    await expect(loadConfig(nowhere, CONFIG)).rejects.toThrow(
      /cannot read \/nonexistent\/charthouse.yaml: ENOENT.*--config/,
    );
  });
});

describe("validation through ProjectFiles that are not the disk (how the Dagger module reads a project)", () => {
  /** `files`, each path asked for recorded. */
  const recording = (files: ProjectFiles, asked: string[]): ProjectFiles => ({
    root: files.root,
    read: (path) => {
      asked.push(path);
      return files.read(path);
    },
  });

  it("gives the same config as reading the filesystem, reading only what it needs", async () => {
    const disk = projectFilesOnDisk(EXAMPLE);
    const asked: string[] = [];
    const fromDisk = await loadConfig(recording(disk, asked), CONFIG);
    expect(asked.some((p) => p.endsWith("Dockerfile"))).toBe(true);
    expect(asked.some((p) => p.endsWith("chart/hyrax/Chart.yaml"))).toBe(true);
    expect(asked.some((p) => p.endsWith("bin/test"))).toBe(false);
    // The files it asked for, alone and in memory, are the whole of what it needs.
    const texts = await Promise.all(asked.map(async (p) => [p, await readText(disk, projectPath(p))] as const));
    const memory = projectFilesInMemory(
      Object.fromEntries(texts.filter((t): t is readonly [string, string] => t[1] !== undefined)),
      disk.root,
    );
    expect(await loadConfig(memory, CONFIG)).toEqual(fromDisk);
  });

  it("says which file it could not read when charthouse.yaml is not there", async () => {
    const prepared = prepareFromFiles(projectFilesInMemory({}), {
      command: "lint",
      configFile: "charthouse.yaml",
      flags: {},
      commitTime: async () => undefined,
      now: new Date(),
    });
    await expect(prepared).rejects.toThrow(
      "cannot read /project/charthouse.yaml: " +
        "pass the project's directory, holding charthouse.yaml (or name it with --config)",
    );
  });

  it("reads the files of every image and chart at once, and reports their problems in the file's order", async () => {
    // The first image's Dockerfile answers last: its problem still comes first.
    const yaml =
      "registry: ghcr.io/x\nimages:\n  - {name: a, dockerfile: a/Dockerfile, target: nope}\n" +
      "  - {name: b, dockerfile: b/Dockerfile, target: nope}\ncharts:\n  - path: chart/none\n";
    const memory = projectFilesInMemory({
      "a/Dockerfile": "FROM scratch AS first-stage\n",
      "b/Dockerfile": "FROM scratch AS second-stage\n",
    });
    let inFlight = 0;
    let most = 0;
    const slowFirst: ProjectFiles = {
      root: memory.root,
      read: async (path): Promise<ProjectEntry> => {
        most = Math.max(most, ++inFlight);
        await new Promise((done) => setTimeout(done, path.startsWith("a/") ? 30 : 1));
        inFlight--;
        return memory.read(path);
      },
    };
    const result = await parseConfig(yaml, slowFirst, CONFIG);
    expect(result.ok ? [] : result.errors.map((e) => [e.field, e.message])).toEqual([
      ["images[0].target", 'target "nope" is no stage of a/Dockerfile'],
      ["images[1].target", 'target "nope" is no stage of b/Dockerfile'],
      ["charts[0].path", "chart/none holds no Chart.yaml"],
    ]);
    expect(most).toBeGreaterThan(2);
  });

  it.each(
    CASES.filter((c) =>
      ["missing Dockerfile", "unknown target with did-you-mean", "chart path without Chart.yaml"].includes(c.name),
    ),
  )("reports $name the same way", async ({ yaml, field, message }) => {
    const lazy = await loadConfig(projectFilesInMemory({ ...PROJECT, "charthouse.yaml": yaml }), CONFIG);
    expect(lazy.ok).toBe(false);
    expect(lazy.ok ? [] : lazy.errors.find((e) => e.field === field)?.message).toMatch(message);
  });
});
