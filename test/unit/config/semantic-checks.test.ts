import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig, type ConfigProblem } from "../../../src/config/index.js";
import { projectFilesOnDisk, projectPath } from "../../../src/project-files/index.js";
import { charthouse } from "../../kit/cli.js";
import { tempTree } from "../../kit/temp-dir.js";

const PROJECT = {
  Dockerfile: "FROM scratch AS hyrax-base\nFROM hyrax-base AS dassie\nFROM dassie AS dassie-worker\n",
  "chart/hyrax/Chart.yaml": "apiVersion: v2\nname: hyrax\nversion: 3.7.4\nappVersion: '5.0.0'\n",
  "chart/hyrax/values.yaml": "image:\n  repository: ghcr.io/samvera/dassie\n  tag: x\nworker:\n  image:\n    tag: x\n",
};

async function problems(yaml: string, files: Record<string, string> = {}): Promise<ConfigProblem[]> {
  const root = tempTree({ ...PROJECT, ...files });
  const result = await parseConfig(yaml, projectFilesOnDisk(root), projectPath("charthouse.yaml"));
  return result.ok ? [] : [...result.errors];
}
const one = async (yaml: string, field: string, files?: Record<string, string>) => {
  const found = (await problems(yaml, files)).filter((p) => p.field === field);
  expect(found, `no problem for ${field}: ${JSON.stringify(await problems(yaml, files))}`).toHaveLength(1);
  return found[0]!;
};

describe("repositories that would collide", () => {
  it("two images with the same repository", async () => {
    const p = await one(
      "registry: ghcr.io/x\nimages:\n  - {name: dassie, target: dassie}\n" +
        "  - {name: web, target: dassie, repository: dassie}\n",
      "images[1].repository",
    );
    expect(p.message).toMatch(/repository ghcr\.io\/x\/dassie is also images\[0\]'s/);
    expect(p.fix).toMatch(/unique repository/);
  });

  it("an image repository equal to a chart's", async () => {
    const p = await one(
      "registry: ghcr.io/x\nimages:\n  - {name: dassie, target: dassie, repository: charts/hyrax}\ncharts:\n" +
        "  - path: chart/hyrax\n",
      "images[0].repository",
    );
    expect(p.message).toMatch(/repository ghcr\.io\/x\/charts\/hyrax is also the chart hyrax's \(charts\[0\]\)/);
  });
});

describe("names that are no OCI repository name", () => {
  it.each([
    [
      "an image repository with spaces and ..",
      "registry: ghcr.io/x\nimages:\n  - {name: dassie, target: dassie, repository: 'Dassie Web/../x'}\n",
      "images[0].repository",
    ],
    [
      "a chart repository with an empty path component",
      "registry: ghcr.io/x\ncharts:\n  - {path: chart/hyrax, repository: 'Charts//hyrax'}\n",
      "charts[0].repository",
    ],
  ])("%s", async (_, yaml, field) => {
    const p = await one(yaml, field);
    expect(p.message).toMatch(/is not an OCI repository name/);
    expect(p.fix).toMatch(/lowercase/);
  });

  it("a Chart.yaml name that is no OCI name, located in Chart.yaml", async () => {
    const p = await problems("registry: ghcr.io/x\ncharts:\n  - path: chart/hyrax\n", {
      "chart/hyrax/Chart.yaml": "apiVersion: v2\nname: Hyrax App\nversion: 1.0.0\n",
    });
    expect(p).toHaveLength(1);
    expect(p[0]).toMatchObject({ field: "name", line: 2 });
    expect(p[0]!.file).toMatch(/Chart\.yaml$/);
  });

  it("a name over 255 characters is refused at once, and quickly", async () => {
    const long = "a".repeat(30_000);
    const started = process.hrtime.bigint();
    const found = await problems(
      `registry: ghcr.io/x\nimages:\n  - {name: ${long}, target: dassie}\ntest:\n  image: ${long}b\n  command: [x]\n`,
    );
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    expect(found.find((p) => p.field === "images[0].name")?.message).toMatch(/longer than 255/);
    // Not a timing target: a bound that keeps an n×m matrix from running away (it took 17 s and 4 GB).
    expect(ms).toBeLessThan(5_000);
  });
});

describe("pin keys must exist in values.yaml", () => {
  it("names the missing key and the closest existing one", async () => {
    const yaml =
      "registry: ghcr.io/x\nimages: [{name: dassie, target: dassie}]\ncharts:\n  - path: chart/hyrax\n    pins:\n" +
      "      - {image: dassie, tag: worker.image.tagg}\n";
    const p = await one(yaml, "charts[0].pins[0].tag");
    expect(p.message).toMatch(
      /worker\.image\.tagg is no key of chart\/hyrax\/values\.yaml; did you mean "worker\.image\.tag"\?/,
    );
  });

  it("a digest key may be new, but its parent must exist", async () => {
    const ok =
      "registry: ghcr.io/x\nimages: [{name: dassie, target: dassie}]\ncharts:\n  - path: chart/hyrax\n    pins:\n" +
      "      - {image: dassie, repository: image.repository, tag: image.tag, digest: image.digest}\n";
    expect(await problems(ok)).toEqual([]);
    const bad = ok.replace("digest: image.digest", "digest: imag.digest");
    expect((await one(bad, "charts[0].pins[0].digest")).message).toMatch(
      /imag is no key of chart\/hyrax\/values\.yaml/,
    );
  });
});

describe("tag patterns that read one tag two ways", () => {
  it("v{version} with v{version}-{chart}: v1.2.3-app would be release 1.2.3-app and chart app's 1.2.3", async () => {
    const p = await one(
      'registry: ghcr.io/x\npolicy:\n  releaseTag: "v{version}"\n  chartReleaseTag: "v{version}-{chart}"\n',
      "policy.chartReleaseTag",
    );
    expect(p.message).toMatch(/reads the tag v1\.2\.3-app as a release and as a chart release/);
  });

  it("{version} with {chart}-{version} is no ambiguity: no semver starts with a chart's name", async () => {
    expect(
      await problems(
        'registry: ghcr.io/x\npolicy:\n  releaseTag: "{version}"\n  chartReleaseTag: "{chart}-{version}"\n',
      ),
    ).toEqual([]);
  });
});

describe("a registry names its host", () => {
  it("refuses a namespace without a host, as docker would push it to Docker Hub", async () => {
    const p = await one("registry: samvera\n", "registry");
    expect(p.message).toMatch(/has no registry host/);
    expect(p.fix).toMatch(/ghcr\.io\/samvera|docker\.io\/samvera/);
  });

  it("accepts localhost and host:port", async () => {
    expect(await problems("registry: localhost:5000/samvera\n")).toEqual([]);
    expect(await problems("registry: 127.0.0.1:5000\n")).toEqual([]);
  });
});

describe("user mistakes are exit 2 with a location, never exit 1", () => {
  it("more than 100 YAML aliases", async () => {
    // Legitimate reuse of one image entry, 120 times: the yaml library stops at 100 aliases.
    const aliases = Array.from({ length: 120 }, () => "  - *img").join("\n");
    const root = tempTree({
      ...PROJECT,
      "charthouse.yaml":
        "registry: ghcr.io/x\nimages:\n  - &img {name: dassie, target: dassie, smoke: [a, b]}\n" + `${aliases}\n`,
    });
    const run = await charthouse(["check", "--config", join(root, "charthouse.yaml")]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /charthouse\.yaml:4:5: \(yaml\): .*more than 100 aliases.*Fix: write the repeated parts out/,
    );
  });

  it("Chart.yaml that is a directory", async () => {
    const root = tempTree({
      ...PROJECT,
      "charthouse.yaml": "registry: ghcr.io/x\ncharts:\n  - path: chart/odd\n",
      "chart/odd/Chart.yaml/x": "",
    });
    const run = await charthouse(["check", "--config", join(root, "charthouse.yaml")]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/charthouse\.yaml:3:11: charts\[0\]\.path: chart\/odd\/Chart\.yaml is a directory/);
  });

  it("init of a directory that does not exist", async () => {
    const run = await charthouse(["init", join(tempTree(), "no-such-dir")]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/no-such-dir is not a directory/);
  });
});

describe("smaller: each problem blamed where it is, said once, in words", () => {
  it("a dockerfile that is a directory is blamed on dockerfile, not target", async () => {
    const p = await one(
      "registry: ghcr.io/x\nimages:\n  - {name: dassie, target: dassie, dockerfile: docker}\n",
      "images[0].dockerfile",
      { "docker/x": "" },
    );
    expect(p.message).toMatch(/docker is a directory, not a Dockerfile/);
  });

  it('a minimum is said once ("must be >= 1", not "must be must be")', async () => {
    const p = await one(
      "registry: ghcr.io/x\nimages: [{name: dassie, target: dassie}]\ntest:\n  image: dassie\n  command: [x]\n" +
        "  services:\n    - {name: s, image: s, port: 0}\n",
      "test.services[0].port",
    );
    expect(p.message).toBe("must be >= 1");
  });

  it("a Chart.yaml version of 1.10 is reported as 1.10, not 1.1", async () => {
    const p = await problems("registry: ghcr.io/x\ncharts:\n  - path: chart/hyrax\n", {
      "chart/hyrax/Chart.yaml": "apiVersion: v2\nname: hyrax\nversion: 1.10\n",
    });
    expect(p.map((e) => e.message)).toEqual(['version "1.10" is not semver']);
  });

  it("an unquoted {version} pattern is told to quote it", async () => {
    const p = await one("registry: ghcr.io/x\npolicy:\n  releaseTag: {version}\n", "policy.releaseTag");
    expect(p.fix).toMatch(/quote it: releaseTag: "\{version\}…" \(unquoted braces are a YAML mapping\)/);
  });

  it("a local chart dependency that does not exist fails check, not only lint", async () => {
    const chartYaml =
      "apiVersion: v2\nname: hyrax\nversion: 3.7.4\ndependencies:\n  - name: solr\n    version: 0.1.0\n" +
      "    repository: file://../solrr\n";
    const p = await problems("registry: ghcr.io/x\ncharts:\n  - path: chart/hyrax\n", {
      "chart/hyrax/Chart.yaml": chartYaml,
      "chart/solr/Chart.yaml": "apiVersion: v2\nname: solr\nversion: 0.1.0\n",
    });
    expect(p).toHaveLength(1);
    expect(p[0]).toMatchObject({ field: "dependencies[0].repository", line: 7 });
    expect(p[0]!.message).toMatch(/file:\/\/\.\.\/solrr holds no chart; did you mean "file:\/\/\.\.\/solr"\?/);
  });

  it("schema problems do not hide the file checks: every problem at once", async () => {
    const found = await problems(
      "registry: ghcr.io/x\nimages:\n  - {name: dassie, target: dasie}\n" +
        "  - {name: web, target: dassie, platforms: [amd64]}\n",
    );
    expect(found.map((p) => p.field).sort()).toEqual(["images[0].target", "images[1].platforms[0]"]);
  });

  it('the problem line reads as a sentence (no "?.")', async () => {
    const root = tempTree({ ...PROJECT, "charthouse.yaml": "registry: ghcr.io/x\nimagse: []\n" });
    const run = await charthouse(["check", "--config", join(root, "charthouse.yaml")]);
    expect(run.stderr).toMatch(/unknown key "imagse"; did you mean "images"\? Fix: rename it to images\./);
  });

  it("a repeated service name is refused", async () => {
    const p = await one(
      "registry: ghcr.io/x\nimages: [{name: dassie, target: dassie}]\ntest:\n  image: dassie\n  command: [x]\n" +
        "  services:\n    - {name: s, image: s, port: 1}\n    - {name: s, image: s, port: 2}\n",
      "test.services[1].name",
    );
    expect(p.message).toMatch(/service name "s" is declared twice/);
  });

  it("one schema problem is reported once", async () => {
    const found = await problems("registry: ghcr.io/x\nimages: [{name: dassie, target: dassie, smoke: []}]\n");
    expect(found.filter((p) => p.field === "images[0].smoke")).toHaveLength(1);
  });
});
