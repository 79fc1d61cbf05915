import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  loadConfig,
  loadConfigLazily,
  nodeFiles,
  parseConfig,
  type ConfigProblem,
  type Fetched,
} from "../../../src/config/index.js";
import { ConfigError } from "../../../src/errors.js";
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

/** Validates `yaml` as the charthouse.yaml of a small project tree. */
function check(
  yaml: string,
  files: Record<string, string> = {},
): { errors: ConfigProblem[]; warnings: readonly ConfigProblem[] } {
  const root = tempTree({ ...PROJECT, ...files });
  const result = parseConfig(yaml, join(root, "charthouse.yaml"));
  return result.ok
    ? { errors: [], warnings: result.warnings }
    : { errors: [...result.errors], warnings: result.warnings };
}

describe("a valid config", () => {
  it("loads with defaults filled in and paths resolved", () => {
    const root = tempTree(PROJECT);
    const result = parseConfig(VALID, join(root, "charthouse.yaml"));
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

  it("accepts the shipped Hyrax example", () => {
    const result = loadConfig(new URL("../../../examples/hyrax/charthouse.yaml", import.meta.url).pathname);
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
    fix: /keys allowed here are: registry, source, images/,
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
      "registry: ghcr.io/x\nimages: [{name: dassie, target: dassie}]\ntest:\n  image: dassie\n" +
      "  command: [rspec]\n  services:\n    - {name: solr, image: solr:8, port: 70000}\n",
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
  it.each(CASES)("$name", ({ yaml, files, field, message, fix, line, column }) => {
    const { errors } = check(yaml, files);
    const problem = errors.find((e) => e.field === field);
    expect(problem, `no problem for ${field} in ${JSON.stringify(errors, null, 1)}`).toBeDefined();
    expect(problem!.message).toMatch(message);
    expect(problem!.fix).toMatch(fix);
    expect([problem!.line, problem!.column]).toEqual([line, column]);
    expect(problem!.file).toMatch(/charthouse\.yaml$/);
  });
});

describe("Chart.yaml problems are located in Chart.yaml", () => {
  it("reports a version that is not semver at its line", () => {
    const { errors } = check(VALID, { "chart/hyrax/Chart.yaml": "apiVersion: v2\nname: hyrax\nversion: three\n" });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ field: "version", line: 3, column: 10 });
    expect(errors[0]!.file).toMatch(/chart\/hyrax\/Chart\.yaml$/);
    expect(errors[0]!.message).toMatch(/"three" is not semver/);
  });

  it("warns about build metadata, which a release would refuse", () => {
    const { errors, warnings } = check(VALID, {
      "chart/hyrax/Chart.yaml": "apiVersion: v2\nname: hyrax\nversion: 1.2.3+build.4\n",
    });
    expect(errors).toEqual([]);
    expect(warnings[0]?.message).toMatch(/build metadata, which OCI tags cannot hold/);
  });
});

describe("all problems at once", () => {
  it("reports every problem of a file in one result, not the first only", () => {
    const yaml =
      "registry: ghcr.io/x\nimages:\n  - name: dassie\n    target: nope\n  - name: dassie\ncharts:\n" +
      "  - path: chart/none\npolicy:\n  releaseTag: latest\n";
    const { errors } = check(yaml);
    expect(errors.map((e) => e.field).sort()).toEqual([
      "charts[0].path",
      "images[0].target",
      "images[1].name",
      "policy.releaseTag",
    ]);
  });

  it("throws a ConfigError naming the file when it cannot be read", () => {
    expect(() => loadConfig("/nonexistent/charthouse.yaml")).toThrow(ConfigError);
    expect(() => loadConfig("/nonexistent/charthouse.yaml")).toThrow(
      /cannot read \/nonexistent\/charthouse.yaml: ENOENT.*--config/,
    );
  });
});

describe("validation through a lazy file view (how the Dagger module reads a project)", () => {
  const fsFetch =
    (asked: string[]) =>
    async (path: string): Promise<Fetched> => {
      asked.push(path);
      if (nodeFiles.isDirectory(path)) return { kind: "directory" };
      const text = nodeFiles.readText(path);
      return text === undefined ? { kind: "absent" } : { kind: "file", text };
    };

  it("gives the same config as reading the filesystem, fetching only what it needs", async () => {
    const file = new URL("../../../examples/hyrax/charthouse.yaml", import.meta.url).pathname;
    const asked: string[] = [];
    const lazy = await loadConfigLazily(file, fsFetch(asked));
    expect(lazy).toEqual(loadConfig(file));
    expect(asked.some((p) => p.endsWith("Dockerfile"))).toBe(true);
    expect(asked.some((p) => p.endsWith("chart/hyrax/Chart.yaml"))).toBe(true);
    expect(asked.some((p) => p.endsWith("bin/test"))).toBe(false);
  });

  it("says which file it could not read when charthouse.yaml is not there", async () => {
    await expect(loadConfigLazily("/src/charthouse.yaml", async () => ({ kind: "absent" }))).rejects.toThrow(
      "cannot read /src/charthouse.yaml: pass the project's directory, holding charthouse.yaml (or name it with " +
        "--config)",
    );
  });

  it("fetches round by round, and calls it a bug when the rounds run out", async () => {
    // The example needs more than one round: charthouse.yaml asks for the Dockerfile and Chart.yaml, which ask for
    // more.
    const file = new URL("../../../examples/hyrax/charthouse.yaml", import.meta.url).pathname;
    let needed = 1;
    while (
      needed < 20 &&
      !(await loadConfigLazily(file, fsFetch([]), needed).then(
        () => true,
        () => false,
      ))
    )
      needed++;
    // charthouse.yaml; then the Dockerfile and the chart's Chart.yaml and values.yaml; then its local dependencies'
    // Chart.yaml.
    expect(needed).toBe(3);
    expect((await loadConfigLazily(file, fsFetch([]), needed)).ok).toBe(true);
    await expect(loadConfigLazily(file, fsFetch([]), needed - 1)).rejects.toThrow(
      `bug: validating ${file} still asked for new files after ${needed - 1} rounds`,
    );
  });

  it.each(
    CASES.filter((c) =>
      ["missing Dockerfile", "unknown target with did-you-mean", "chart path without Chart.yaml"].includes(c.name),
    ),
  )("reports $name the same way", async ({ yaml, field, message }) => {
    const root = tempTree({ ...PROJECT, "charthouse.yaml": yaml });
    const lazy = await loadConfigLazily(join(root, "charthouse.yaml"), fsFetch([]));
    expect(lazy.ok).toBe(false);
    expect(lazy.ok ? [] : lazy.errors.find((e) => e.field === field)?.message).toMatch(message);
  });
});
