import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { helmArgs } from "../../../src/chart/index.js";
import { helmBinary } from "../../../src/exec/index.js";
import { execTool, startRegistry, type LocalRegistry } from "../../kit/index.js";
import { RegistryClient } from "../../../src/registry/index.js";
import { selectVersions } from "../../../src/updater/index.js";
import { PROJECT_LABEL, toolEnvironment } from "../../../src/engines/docker/index.js";
import { charthouse, type CliRun } from "../../kit/cli.js";
import { CANARY, creds } from "../../kit/registry-content.js";
import { exampleProject, filesContaining, tempTree } from "../../kit/temp-dir.js";
import { startProxy, type Proxy } from "../../kit/proxy.js";
import { joined } from "../../kit/regex.js";

const SHA = {
  nightly: "aaaa000000000000000000000000000000000001",
  v510: "aaaa000000000000000000000000000000000510",
  v501: "aaaa000000000000000000000000000000000501",
};
const IMAGES = ["hyrax-base", "hyrax-worker-base", "dassie", "dassie-worker"];
let registry: LocalRegistry;
let proxy: Proxy;
let project: string;
const ci = creds("ci", CANARY);
const runs: CliRun[] = [];
const env = () => ({
  DOCKER_HOST: inject("dockerHost"),
  CHARTHOUSE_REGISTRY_USERNAME: "ci",
  CHARTHOUSE_REGISTRY_PASSWORD: CANARY,
  HOME: process.env.HOME ?? "/root",
});
const repo = (name: string) => `${proxy.host}/samvera/${name}`;
const client = () => new RegistryClient({ credentials: ci });

async function publish(args: string[], cwd = project, extraEnv: Record<string, string> = {}): Promise<CliRun> {
  const result = await charthouse(["publish", ...args], { cwd, env: { ...env(), ...extraEnv } });
  runs.push(result);
  return result;
}

async function digest(name: string, tag: string): Promise<string | undefined> {
  return (await client().headManifest(repo(name), tag))?.digest;
}

/** Everything the proxy saw that writes to the registry. */
const writes = () => proxy.recorded.filter((r) => r.method !== "GET" && r.method !== "HEAD");

beforeAll(async () => {
  registry = await startRegistry({ kind: "htpasswd", users: { ci: CANARY } });
  proxy = await startProxy(registry.host);
  project = exampleProject(`${proxy.host}/samvera`);
});
afterAll(async () => {
  await proxy?.stop();
  await registry?.stop();
});

describe("charthouse publish on the Hyrax example, for real", () => {
  it("nightly: publishes the four images and the chart, which pins the tested image by tag and digest", async () => {
    const run = await publish(["--nightly", "--date", "2026-11-24", "--sha", SHA.nightly]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/\[ 1\/22\] build hyrax-base \(hyrax-base\) as .* … ok \d+\.\ds/);
    expect(run.stdout).toMatch(/test in dassie with solr, postgres, redis, fcrepo: sh \/app\/samvera\/bin\/test … ok/);
    for (const name of IMAGES) {
      const d = await digest(name, "nightly-20261124");
      expect(d).toMatch(/^sha256:/);
      expect(await digest(name, "nightly")).toBe(d);
      expect(run.stdout).toContain(`${repo(name)}:nightly-20261124`);
    }

    const work = tempTree();
    const tools = toolEnvironment(join(work, "tools"), proxy.host, ci);
    mkdirSync(join(work, "pulled"));
    // Async: the proxy in front of the registry runs in this process and must keep answering.
    await execTool(
      helmBinary(),
      helmArgs.pull(`oci://${proxy.host}/samvera/charts/hyrax`, "3.7.4-nightly.20261124", join(work, "pulled"), {
        plainHttp: true,
      }),
      { env: tools },
    );
    const rendered = (
      await execTool(
        helmBinary(),
        helmArgs.template("hyrax", join(work, "pulled", "hyrax-3.7.4-nightly.20261124.tgz")),
        { env: tools },
      )
    ).stdout;
    expect(rendered).toContain(
      `image: "${repo("dassie")}:nightly-20261124@${await digest("dassie", "nightly-20261124")}"`,
    );
    expect(rendered).toContain(
      `image: "${repo("dassie-worker")}:nightly-20261124@${await digest("dassie-worker", "nightly-20261124")}"`,
    );
  });

  it("an unchanged rerun pushes no blob, writes nothing and moves nothing", async () => {
    proxy.recorded.length = 0;
    const run = await publish(["--nightly", "--date", "2026-11-24", "--sha", SHA.nightly]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      "Nothing to do for nightly 20261124: every artifact is already published from this commit.",
    );
    expect(writes()).toEqual([]);
  });

  it(
    "release 5.1.0 (chart 3.8.0), then the backport 5.0.1 (chart 3.7.5): both published, latest and 5 stay at " +
      "5.1.0, 5.0 moves, sync --policy stable stays on 3.8.0",
    async () => {
      const chartFile = join(project, "chart/hyrax/Chart.yaml");
      const original = readFileSync(chartFile, "utf8");
      writeFileSync(chartFile, original.replace("version: 3.7.4", "version: 3.8.0"));
      const first = await publish(["--tag", "v5.1.0", "--sha", SHA.v510]);
      expect(first.code, first.stderr).toBe(0);
      const d510 = await digest("dassie", "5.1.0");
      expect({
        latest: await digest("dassie", "latest"),
        5: await digest("dassie", "5"),
        5.1: await digest("dassie", "5.1"),
      }).toEqual({ latest: d510, 5: d510, 5.1: d510 });

      // The 5.0.x line's patch release comes from its own branch, whose chart is at 3.7.5.
      writeFileSync(chartFile, original.replace("version: 3.7.4", "version: 3.7.5"));
      const second = await publish(["--tag", "v5.0.1", "--sha", SHA.v501]);
      expect(second.code, second.stderr).toBe(0);
      const d501 = await digest("dassie", "5.0.1");
      expect(d501).not.toBe(d510);
      expect({
        latest: await digest("dassie", "latest"),
        5: await digest("dassie", "5"),
        "5.0": await digest("dassie", "5.0"),
      }).toEqual({ latest: d510, 5: d510, "5.0": d501 });
      const charts = await client().listTags(repo("charts/hyrax"));
      expect(charts).toEqual(expect.arrayContaining(["3.8.0", "3.7.5"]));
      // What `charthouse sync --policy stable` decides for an installation at 3.8.0: nothing newer.
      expect(selectVersions({ tags: charts, policy: { kind: "stable" }, deployed: "3.8.0" })).toEqual({
        candidates: [],
        newest: "3.8.0",
      });
      writeFileSync(chartFile, original);
    },
  );

  it("refuses to republish a release from another commit, before building anything (exit 3)", async () => {
    proxy.recorded.length = 0;
    const run = await publish(["--tag", "v5.1.0", "--sha", SHA.v501]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(
      `${repo("hyrax-base")}:5.1.0 is already published from commit aaaa000, and this run builds aaaa000`,
    );
    expect(run.stdout).toBe("");
    expect(writes()).toEqual([]);
  });
});

describe("what the classic builder cannot build", () => {
  // On BuildKit (the default here) a multi-platform image publishes:
  // test/integration/engines/docker/multiarch-publish.test.ts.
  it("refuses a multi-platform image before any build or push (exit 2), pointing at BuildKit and dagger", async () => {
    const multi = exampleProject(`${proxy.host}/samvera`);
    const file = join(multi, "charthouse.yaml");
    writeFileSync(
      file,
      readFileSync(file, "utf8").replace(
        "  - name: dassie\n    target: dassie\n",
        "  - name: dassie\n    target: dassie\n    platforms: [linux/amd64, linux/arm64]\n",
      ),
    );
    proxy.recorded.length = 0;
    const run = await publish(["--nightly", "--date", "2026-12-03", "--sha", SHA.nightly], multi, {
      DOCKER_BUILDKIT: "0",
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      joined(
        /image dassie builds for linux\/amd64, linux\/arm64, but Docker's classic builder builds one platform: /,
        /install buildx .*; or publish it with `dagger call publish`.*Nothing was built or pushed\./,
      ),
    );
    expect(run.stdout).not.toMatch(/\[ 1\/\d+\] build/);
    expect(writes()).toEqual([]);
  });
});

describe("a failing gate publishes nothing (exit 4)", () => {
  const cases = [
    {
      name: "a failing smoke test",
      edit: (yaml: string) =>
        yaml.replace(
          'smoke: ["sh", "-c", "sh /app/samvera/bin/smoke && test -f APP"]',
          'smoke: ["sh", "-c", "test -f /no/such/file"]',
        ),
      step: /smoke-test dassie: .* … FAILED/,
    },
    {
      name: "a service that never becomes ready",
      edit: (yaml: string) =>
        yaml.replace(
          'ready: ["wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/"]',
          'ready: ["false"]\n      readyTimeoutSeconds: 3',
        ),
      step: /service fcrepo did not become ready within 3s/,
    },
    {
      name: "a service that exits before it is ready",
      edit: (yaml: string) => yaml.replace('exec httpd -f -p 6379 -h /srv"]', 'echo redis gave up >&2; exit 3"]'),
      // Its log under the failing step (stdout), then the failure (stderr).
      step: /redis gave up[\s\S]*service redis \(localhost\/charthouse\/busybox:1\.35\) exited before it was ready/,
    },
    {
      name: "a chart helm lint rejects",
      edit: (yaml: string) => yaml,
      chart: true,
      step: /helm lint --strict hyrax … FAILED/,
    },
  ];

  it.each(cases)("$name", async ({ edit, chart, step }) => {
    const broken = exampleProject(`${proxy.host}/samvera`);
    writeFileSync(join(broken, "charthouse.yaml"), edit(readFileSync(join(broken, "charthouse.yaml"), "utf8")));
    if (chart)
      writeFileSync(
        join(broken, "chart/hyrax/templates/broken.yaml"),
        "kind: ConfigMap\nmetadata:\n  name: {{ .Values.nothing.here }}\n",
      );
    proxy.recorded.length = 0;
    const run = await publish(["--nightly", "--date", "2026-12-01", "--sha", SHA.nightly], broken);
    expect(run.code).toBe(4);
    expect(`${run.stdout}\n${run.stderr}`).toMatch(step);
    expect(run.stderr).toMatch(/gate failed: .*Nothing was published\./);
    // Only the preflight's cancelled upload session touched the registry.
    expect(writes().every((w) => w.path.includes("/blobs/uploads/"))).toBe(true);
    expect(await digest("dassie", "nightly-20261201")).toBeUndefined();
    expect(await digest("dassie", "nightly")).toBe(await digest("dassie", "nightly-20261124"));
    // This project's: other suites publish on the same engine meanwhile.
    const left = await execTool("docker", ["ps", "-a", "--quiet", "--filter", `label=${PROJECT_LABEL}=${broken}`], {
      env: { ...process.env, DOCKER_HOST: inject("dockerHost") },
    });
    expect(left.stdout.trim()).toBe("");
  });
});

describe("a push the registry refuses half way (exit 5)", () => {
  it("reports what was pushed and leaves every alias where it was", async () => {
    const before = Object.fromEntries(await Promise.all(IMAGES.map(async (n) => [n, await digest(n, "nightly")])));
    proxy.fault = ({ method, path }) =>
      method === "PUT" && path.startsWith("/v2/samvera/hyrax-worker-base/manifests/")
        ? { kind: "respond", status: 403, body: '{"errors":[{"code":"DENIED","message":"quota exceeded"}]}' }
        : { kind: "pass" };
    try {
      const run = await publish(["--nightly", "--date", "2026-12-02", "--sha", SHA.nightly]);
      expect(run.code).toBe(5);
      expect(run.stderr).toMatch(
        new RegExp(
          `publish failed: push ${repo("hyrax-worker-base")}:nightly-20261202: docker push .* failed \\(exit 1\\)\\. ` +
            "Pushed: .*\\. No alias was moved\\.",
        ),
      );
      // The other images' pushes ran side by side and landed: the error names each of them with its digest.
      for (const name of ["hyrax-base", "dassie", "dassie-worker"]) {
        const d = await digest(name, "nightly-20261202");
        expect(d).toMatch(/^sha256:/);
        expect(run.stderr).toContain(`${repo(name)}:nightly-20261202@${d}`);
      }
      expect(await digest("hyrax-worker-base", "nightly-20261202")).toBeUndefined();
      expect(run.stdout).toMatch(/DENIED|denied|quota exceeded/);
      expect(await client().headManifest(`${proxy.host}/samvera/charts/hyrax`, "3.7.4-nightly.20261202")).toBeNull();
      for (const name of IMAGES) expect(await digest(name, "nightly")).toBe(before[name]);
    } finally {
      proxy.fault = () => ({ kind: "pass" });
    }
  });
});

describe("secrets", () => {
  it("the registry password appears in no output and no file of the project", () => {
    expect(runs.length).toBeGreaterThan(5);
    for (const r of runs) expect(`${r.stdout}${r.stderr}`).not.toContain(CANARY);
    expect(filesContaining(project, CANARY)).toEqual([]);
  });
});
