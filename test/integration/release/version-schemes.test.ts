import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { helmArgs } from "../../../src/chart/index.js";
import { toolEnvironment } from "../../../src/engines/docker/index.js";
import { helmBinary } from "../../../src/exec/index.js";
import { readTag, RegistryClient } from "../../../src/registry/index.js";
import { charthouse, type CliRun } from "../../kit/cli.js";
import { execTool, startRegistry, type LocalRegistry } from "../../kit/index.js";
import { pushImage } from "../../kit/registry-content.js";
import { tempTree } from "../../kit/temp-dir.js";

// The issue's table against a real registry (Debian's docker-registry): releases numbered two-part (with the chart
// versioned by its release) and by packaging revision are published for real, built by the Docker engine, and
// calendar versions are planned online against what the registry holds.

const sha = (n: number) => `dddd${String(n).padStart(36, "0")}`;
let registry: LocalRegistry;
const runs: CliRun[] = [];
const client = () => new RegistryClient();

/** An image `app` and, when asked, a chart `app` whose version comes from the release; releases by `versions`. */
function project(versions: string, o: { chart?: boolean } = {}): string {
  return tempTree({
    Dockerfile: "FROM localhost/charthouse/busybox:1.35 AS app\nRUN echo app > /APP\n",
    "charthouse.yaml":
      `registry: ${registry.host}/${versions}\n` +
      'images:\n  - name: app\n    target: app\n    smoke: ["test", "-f", "/APP"]\n' +
      (o.chart
        ? "charts:\n  - path: chart/app\n    versionFrom: release\n    pins:\n" +
          "      - { image: app, tag: image.tag, digest: image.digest }\n"
        : "") +
      `policy:\n  releaseTag: "v{version}"\n  versions: ${versions}\n`,
    "chart/app/Chart.yaml": "apiVersion: v2\nname: app\nversion: 0.0.1-set.by.chartpress\n",
    "chart/app/values.yaml": "image:\n  tag: latest\n  digest: ''\n",
    "chart/app/templates/cm.yaml":
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  image: {{ .Values.image.tag | quote }}\n",
  });
}

async function cli(cwd: string, args: string[]): Promise<CliRun> {
  const run = await charthouse(args, {
    cwd,
    env: { DOCKER_HOST: inject("dockerHost"), HOME: process.env.HOME ?? "/root" },
  });
  runs.push(run);
  return run;
}

async function publish(cwd: string, args: string[]): Promise<CliRun> {
  const run = await cli(cwd, ["publish", ...args]);
  // Every command repeats check's warning that Chart.yaml's version is ignored; a busy registry may be retried.
  const other = run.stderr
    .split("\n")
    .filter((line) => line && !/versionFrom: .* is ignored: /.test(line) && !/; retry \d+ in /.test(line));
  expect(other).toEqual([]);
  expect(run.code).toBe(0);
  return run;
}

/** Which of `tags` the repository holds, each with the version label of what it holds. */
async function held(repository: string, tags: string[]): Promise<Record<string, string | undefined>> {
  const out: Record<string, string | undefined> = {};
  for (const tag of tags) {
    const record = await readTag(client(), repository, tag);
    if (record) out[tag] = record.version;
  }
  return out;
}

/** Chart.yaml of a published chart version, as helm shows it. */
async function chartYaml(repository: string, version: string): Promise<string> {
  const work = tempTree();
  mkdirSync(join(work, "pulled"));
  const env = toolEnvironment(join(work, "tools"), registry.host, undefined);
  await execTool(
    helmBinary(),
    helmArgs.pull(`oci://${repository}`, version, join(work, "pulled"), { plainHttp: true }),
    { env },
  );
  const shown = await execTool(helmBinary(), ["show", "chart", join(work, "pulled", `app-${version}.tgz`)], { env });
  return shown.stdout;
}

beforeAll(async () => {
  registry = await startRegistry();
});
afterAll(async () => {
  await registry?.stop();
});

describe("revision: releases 12.1-0, 12.1-1, then the backport 12.0-2, published for real", () => {
  const tags = ["12.1-0", "12.1-1", "12.0-2", "12.1", "12.0", "12", "latest"];
  let root: string;
  let repository: string;
  beforeAll(() => {
    root = project("revision");
    repository = `${registry.host}/revision/app`;
  });

  it("12.1-0 publishes 12.1-0, 12.1, 12 and latest", async () => {
    await publish(root, ["--tag", "v12.1-0", "--sha", sha(1)]);
    expect(await held(repository, tags)).toEqual({
      "12.1-0": "12.1-0",
      "12.1": "12.1-0",
      12: "12.1-0",
      latest: "12.1-0",
    });
  });

  it("12.1-1 moves 12.1, 12 and latest to the higher revision, as plan --online said it would", async () => {
    const plan = JSON.parse(
      (await cli(root, ["plan", "--online", "--tag", "v12.1-1", "--sha", sha(2), "--json"])).stdout,
    );
    expect(plan.aliases.map((a: { alias: string; rank: unknown }) => [a.alias, a.rank])).toEqual(
      ["12.1", "12", "latest"].map((alias) => [alias, { scheme: "revision", version: "12.1-1" }]),
    );
    await publish(root, ["--tag", "v12.1-1", "--sha", sha(2)]);
    expect(await held(repository, tags)).toMatchObject({ "12.1": "12.1-1", 12: "12.1-1", latest: "12.1-1" });
  });

  it("the backport 12.0-2 moves only 12.0; a rerun of it publishes nothing", async () => {
    await publish(root, ["--tag", "v12.0-2", "--sha", sha(3)]);
    expect(await held(repository, tags)).toEqual({
      "12.1-0": "12.1-0",
      "12.1-1": "12.1-1",
      "12.0-2": "12.0-2",
      "12.1": "12.1-1",
      "12.0": "12.0-2",
      12: "12.1-1",
      latest: "12.1-1",
    });
    const again = await publish(root, ["--tag", "v12.0-2", "--sha", sha(3)]);
    expect(again.stdout).toMatch(/Nothing to do for release 12\.0-2: every artifact is already published/);
  });

  it("an older revision of 12.1 published late moves no alias back", async () => {
    const plan = JSON.parse(
      (await cli(root, ["plan", "--online", "--tag", "v12.1-0", "--sha", sha(1), "--json"])).stdout,
    );
    expect(plan.aliases).toEqual([]);
  });
});

describe("two-part with the chart versioned by its release, published for real", () => {
  let root: string;
  let repository: string;
  let charts: string;
  beforeAll(() => {
    root = project("two-part", { chart: true });
    repository = `${registry.host}/two-part/app`;
    charts = `${registry.host}/two-part/charts/app`;
  });

  it("check says Chart.yaml's version is ignored", async () => {
    const run = await cli(root, ["check"]);
    expect(run.code).toBe(0);
    expect(`${run.stdout}${run.stderr}`).toMatch(
      /charts\[0\]\.versionFrom: chart\/app\/Chart\.yaml's version 0\.0\.1-set\.by\.chartpress is ignored/,
    );
  });

  it("10.0-rc1 publishes its own tag only, and chart 10.0.0-rc1", async () => {
    await publish(root, ["--tag", "v10.0-rc1", "--sha", sha(11)]);
    expect(await held(repository, ["10.0-rc1", "10.0", "10", "latest"])).toEqual({ "10.0-rc1": "10.0-rc1" });
    expect(await chartYaml(charts, "10.0.0-rc1")).toMatch(/^appVersion: 10\.0-rc1$/m);
  });

  it("10.0 publishes 10.0, 10 and latest, and chart 10.0.0 with appVersion 10.0", async () => {
    await publish(root, ["--tag", "v10.0", "--sha", sha(12)]);
    expect(await held(repository, ["10.0", "10", "latest"])).toEqual({ "10.0": "10.0", 10: "10.0", latest: "10.0" });
    const chart = await chartYaml(charts, "10.0.0");
    expect(chart).toMatch(/^version: 10\.0\.0$/m);
    expect(chart).toMatch(/^appVersion: "?10\.0"?$/m);
  });

  it("a nightly publishes a chart prerelease above the last release, 10.0.1-nightly.YYYYMMDD", async () => {
    const plan = JSON.parse(
      (await cli(root, ["plan", "--online", "--nightly", "--date", "2026-11-24", "--sha", sha(13), "--json"])).stdout,
    );
    expect(plan.charts.map((c: { version: string }) => c.version)).toEqual(["10.0.1-nightly.20261124"]);
  });
});

describe("semver with the chart versioned by its release, published for real", () => {
  it("4.4.0 publishes chart 4.4.0; the next nightly plans a chart above it, 4.4.1-nightly.YYYYMMDD", async () => {
    const root = project("semver", { chart: true });
    await publish(root, ["--tag", "v4.4.0", "--sha", sha(31)]);
    expect(await chartYaml(`${registry.host}/semver/charts/app`, "4.4.0")).toMatch(/^version: 4\.4\.0$/m);
    const plan = JSON.parse(
      (await cli(root, ["plan", "--online", "--nightly", "--date", "2026-11-24", "--sha", sha(32), "--json"])).stdout,
    );
    expect(plan.charts.map((c: { version: string }) => c.version)).toEqual(["4.4.1-nightly.20261124"]);
  });
});

describe("calver: plan --online against what the registry holds", () => {
  let root: string;
  const repository = () => `${registry.host}/calver/app`;
  beforeAll(async () => {
    root = project("calver");
    const labels = { "org.opencontainers.image.revision": sha(20), "org.opencontainers.image.version": "26.07.1" };
    for (const tag of ["26.07.1", "26.07", "latest"]) await pushImage(registry.host, repository(), tag, labels);
  });

  it("26.08.0 plans 26.08.0 verbatim, 26.08 and latest, compare-and-set against what latest holds", async () => {
    const run = await cli(root, ["plan", "--online", "--tag", "v26.08.0", "--sha", sha(21), "--json"]);
    const plan = JSON.parse(run.stdout);
    expect(plan.images.map((i: { tag: string }) => i.tag)).toEqual(["26.08.0"]);
    expect(plan.aliases.map((a: { alias: string }) => a.alias)).toEqual(["26.08", "latest"]);
    const latest = await client().headManifest(repository(), "latest");
    expect(plan.aliases[1].expect).toBe(latest!.digest);
  });

  it("the snapshot 26.08.0-dev plans its own tag and no alias", async () => {
    const plan = JSON.parse(
      (await cli(root, ["plan", "--online", "--tag", "v26.08.0-dev", "--sha", sha(22), "--json"])).stdout,
    );
    expect(plan.images.map((i: { tag: string }) => i.tag)).toEqual(["26.08.0-dev"]);
    expect(plan.aliases).toEqual([]);
  });

  it("26.8.0 is refused (exit 3, a policy refusal): not a calendar version, saying the shape", async () => {
    const run = await cli(root, ["plan", "--online", "--tag", "v26.8.0", "--sha", sha(23)]);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/"26\.8\.0" is not a calver version \(policy\.versions\)/);
  });
});

afterAll(() => {
  // A failed run's output says what it did.
  for (const run of runs) if (run.code !== 0 && run.code !== 3) console.error(run.stdout, run.stderr);
});
