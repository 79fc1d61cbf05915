import { createServer } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../../src/cli/program.js";
import { valid } from "../../kit/json-schema.js";
import { startRegistry, type LocalRegistry } from "../../kit/index.js";
import type { SyncResult } from "../../../src/updater/index.js";
import { pushChartVersion } from "../../kit/registry-content.js";
import { FakeCluster } from "../../kit/fake-cluster.js";
import { startProxy } from "../../kit/proxy.js";

// The registry is real and holds 300 versions of the chart; the cluster is a FAKE
// (nothing of Kubernetes runs here): it answers what is deployed and records helm's arguments.
let registry: LocalRegistry;
let chart: string;
const digests = new Map<string, string>();

/** 28 days a month keeps the dates valid: nightlies from 2026-09-01 on. */
const nightly = (i: number) =>
  `5.5.30-nightly.2026${String(9 + Math.floor(i / 28)).padStart(2, "0")}${String((i % 28) + 1).padStart(2, "0")}`;
const NIGHTLIES = 76;

function versions(): { tag: string; notAChart?: boolean }[] {
  const out: { tag: string; notAChart?: boolean }[] = [];
  for (let minor = 0; minor < 6; minor++)
    for (let patch = 0; patch < 30; patch++) out.push({ tag: `5.${minor}.${patch}` }); // 180 releases
  for (let n = 1; n <= 40; n++) out.push({ tag: `5.6.0-rc.${n}` }); // 40 prereleases
  for (let i = 0; i < NIGHTLIES; i++) out.push({ tag: nightly(i) }); // 76 nightlies
  // an old major, a version with build metadata, an alias
  out.push({ tag: "4.9.9" }, { tag: "5.5.30_build.7" }, { tag: "latest" });
  out.push({ tag: "6.0.0", notAChart: true }); // the newest stable tag is broken: not a chart
  return out;
}

async function sync(
  policy: string,
  cluster: FakeCluster,
  extra: string[] = [],
): Promise<{ code: number; result: SyncResult; stdout: string }> {
  let stdout = "";
  const code = await runCli(
    [
      "sync",
      "--chart",
      `oci://${chart}`,
      "--release",
      "hyrax",
      "--namespace",
      "samvera",
      "--policy",
      policy,
      "--json",
      ...extra,
    ],
    {
      stdout: (t) => void (stdout += t),
      stderr: () => undefined,
      env: {},
      cwd: "/",
      now: () => new Date("2026-11-25T03:00:00Z"),
    },
    cluster,
  );
  // Every line a sync prints under --json keeps the contract of schemas/sync.schema.json.
  return { code, result: valid("sync", stdout.trim().split("\n").pop()!), stdout };
}

beforeAll(async () => {
  registry = await startRegistry();
  chart = `${registry.host}/samvera/charts/hyrax`;
  const all = versions();
  expect(all.length).toBeGreaterThanOrEqual(300);
  for (let i = 0; i < all.length; i += 25) {
    await Promise.all(
      all
        .slice(i, i + 25)
        .map(async (v) => digests.set(v.tag, await pushChartVersion(chart, v.tag, { notAChart: v.notAChart }))),
    );
  }
});
afterAll(async () => registry?.stop());

describe("charthouse sync --dry-run against 300 chart versions", () => {
  it.each([
    { policy: "stable", deployed: "5.0.3", expected: "5.5.30+build.7", skipped: ["6.0.0"] },
    { policy: "~5.2", deployed: "5.2.4", expected: "5.2.29", skipped: [] },
    { policy: "^5", deployed: "5.0.0", expected: "5.5.30+build.7", skipped: [] },
    { policy: "nightly", deployed: nightly(0), expected: nightly(NIGHTLIES - 1), skipped: [] },
    { policy: "^4", deployed: undefined, expected: "4.9.9", skipped: [] },
  ])("$policy (deployed $deployed) → $expected", async ({ policy, deployed, expected, skipped }) => {
    const cluster = new FakeCluster(deployed ? { chart: "hyrax", version: deployed, status: "deployed" } : null);
    const { code, result } = await sync(policy, cluster, ["--dry-run"]);
    expect(result).toMatchObject({ action: "upgraded", installed: expected, dryRun: true });
    expect(result.deployed).toBe(deployed);
    expect(result.digest).toBe(digests.get(expected.replace("+", "_")));
    expect(result.skipped.map((s) => s.version)).toEqual(skipped);
    expect(code).toBe(10);
    expect(cluster.helmCalls).toEqual([]);
  });

  it("never goes lower than the deployed version", async () => {
    const { code, result } = await sync(
      "~5.2",
      new FakeCluster({ chart: "hyrax", version: "5.3.0", status: "deployed" }),
      ["--dry-run"],
    );
    expect(result).toMatchObject({ action: "up-to-date", deployed: "5.3.0", found: "5.2.29" });
    expect(code).toBe(0);
  });

  it("does nothing for a held release", async () => {
    const cluster = new FakeCluster({ chart: "hyrax", version: "5.0.0", status: "deployed" }, { hold: true, skip: [] });
    const { code, result } = await sync("stable", cluster);
    expect(result.action).toBe("held");
    expect(code).toBe(0);
    expect(cluster.helmCalls).toEqual([]);
  });

  it("does not retry a newer version whose last attempt failed; an older failure is not mentioned", async () => {
    const cluster = new FakeCluster({ chart: "hyrax", version: "5.2.0", status: "deployed" });
    cluster.revisions = [
      { revision: 1, version: "5.1.0", status: "failed" },
      { revision: 2, version: "5.2.0", status: "superseded" },
      { revision: 3, version: "5.2.29", status: "failed" },
      { revision: 4, version: "5.2.0", status: "deployed" },
    ];
    const { code, result } = await sync("~5.2", cluster, ["--dry-run"]);
    expect(result.installed).toBe("5.2.28");
    expect(result.skipped).toEqual([
      {
        version: "5.2.29",
        reason:
          "failed in revision 3 and was rolled back: not retried (a newer version, or an upgrade to it by hand, " +
          "clears this)",
      },
    ]);
    expect(code).toBe(10);
  });

  it("never installs a skipped version", async () => {
    const cluster = new FakeCluster(
      { chart: "hyrax", version: "5.2.0", status: "deployed" },
      { hold: false, skip: ["5.2.29", "5.2.28"] },
    );
    const { result } = await sync("~5.2", cluster, ["--dry-run"]);
    expect(result.installed).toBe("5.2.27");
    expect(result.skipped).toEqual([
      { version: "5.2.29", reason: "on the skip list" },
      { version: "5.2.28", reason: "on the skip list" },
    ]);
  });
});

describe("charthouse sync for real against the FAKE cluster", () => {
  it("installs by digest with the exact helm arguments, and exits 10", async () => {
    const cluster = new FakeCluster({ chart: "hyrax", version: "5.2.0", status: "deployed" });
    const { code, result } = await sync("~5.2", cluster, ["--values", "/etc/hyrax/values.yaml", "--timeout", "15m"]);
    expect(code).toBe(10);
    expect(result.message).toBe(`upgraded 5.2.0 → 5.2.29 (${digests.get("5.2.29")})`);
    expect(cluster.helmCalls).toEqual([
      [
        "upgrade",
        "--install",
        "hyrax",
        `oci://${chart}@${digests.get("5.2.29")}`,
        "--version",
        "5.2.29",
        "--namespace",
        "samvera",
        "--atomic",
        "--wait",
        "--timeout",
        "15m",
        "--values",
        "/etc/hyrax/values.yaml",
        "--plain-http",
      ],
    ]);
  });

  it("reports a failed upgrade that helm rolled back (exit 21)", async () => {
    const cluster = new FakeCluster({ chart: "hyrax", version: "5.2.0", status: "deployed" }, undefined, {
      ok: false,
      rolledBack: true,
      output:
        "Error: UPGRADE FAILED: release hyrax failed, and has been rolled back due to atomic being set: timed out",
    });
    const { code, result } = await sync("~5.2", cluster);
    expect(code).toBe(21);
    expect(result.message).toMatch(/^upgrade to 5\.2\.29 failed and was rolled back to 5\.2\.0: Error: UPGRADE FAILED/);
  });

  it("with --zero-exit-on-upgrade (the CronJob's), an upgrade exits 0 and a rollback still 21", async () => {
    const upgraded = await sync("~5.2", new FakeCluster({ chart: "hyrax", version: "5.2.0", status: "deployed" }), [
      "--zero-exit-on-upgrade",
    ]);
    expect(upgraded.result.action).toBe("upgraded");
    expect(upgraded.code).toBe(0);
    const failing = new FakeCluster({ chart: "hyrax", version: "5.2.0", status: "deployed" }, undefined, {
      ok: false,
      rolledBack: true,
      output: "has been rolled back due to atomic being set",
    });
    expect((await sync("~5.2", failing, ["--zero-exit-on-upgrade"])).code).toBe(21);
  });

  it(
    "renders the candidate it would install, and refuses it before helm runs when the Role lacks a rule it needs " +
      "(exit 2)",
    async () => {
      const cluster = new FakeCluster({ chart: "hyrax", version: "5.2.0", status: "deployed" });
      cluster.manifests =
        "apiVersion: apps/v1\nkind: Deployment\n---\napiVersion: policy/v1\nkind: PodDisruptionBudget\n";
      cluster.grantedRules = [
        { apiGroups: ["", "apps"], resources: ["*"], verbs: ["*"] },
        { apiGroups: ["policy"], resources: ["poddisruptionbudgets"], verbs: ["get", "list", "watch"] },
      ];
      const { code, result } = await sync("~5.2", cluster);
      expect(code).toBe(2);
      expect(result).toMatchObject({ action: "misconfigured", deployed: "5.2.0", installed: "5.2.29" });
      expect(result.message).toBe(
        "5.2.29 needs what the updater may not do in samvera: create, update, patch, delete " +
          "poddisruptionbudgets.policy. Nothing was changed: add these to the updater chart's rbac.rules (charthouse " +
          "updater-role derives them from the chart)",
      );
      expect(cluster.renderCalls).toEqual([
        [
          "template",
          "hyrax",
          `oci://${chart}@${digests.get("5.2.29")}`,
          "--version",
          "5.2.29",
          "--namespace",
          "samvera",
          "--plain-http",
        ],
      ]);
      expect(cluster.helmCalls).toEqual([]);
    },
  );

  it("refuses a release that runs another chart (exit 2), and a policy that is not one", async () => {
    expect((await sync("stable", new FakeCluster({ chart: "solr", version: "1.0.0", status: "deployed" }))).code).toBe(
      2,
    );
    let stderr = "";
    const code = await runCli(
      ["sync", "--chart", `oci://${chart}`, "--release", "h", "--namespace", "n", "--policy", "newest"],
      { stdout: () => undefined, stderr: (t) => void (stderr += t), env: {}, cwd: "/", now: () => new Date() },
      new FakeCluster(null),
    );
    expect(code).toBe(2);
    expect(stderr).toMatch(/--policy newest is neither stable, nightly, nor a semver range/);
  });
});

describe("notifications", () => {
  it("tell a webhook about an upgrade without secrets; a failing webhook does not fail the sync", async () => {
    const received: string[] = [];
    const hook = createServer((req, res) => {
      let body = "";
      req.on("data", (d: Buffer) => (body += d.toString()));
      req.on("end", () => {
        received.push(body);
        res.writeHead(200).end("ok");
      });
    });
    await new Promise<void>((r) => hook.listen(0, "127.0.0.1", r));
    const port = (hook.address() as { port: number }).port;
    try {
      const { result } = await sync("~5.2", new FakeCluster({ chart: "hyrax", version: "5.2.0", status: "deployed" }), [
        "--dry-run",
        "--webhook",
        `http://127.0.0.1:${port}/hook`,
      ]);
      expect(JSON.parse(received[0]!)).toEqual({ text: `⬆️ hyrax (samvera): ${result.message}` });
    } finally {
      await new Promise((r) => hook.close(r));
    }
    // Nothing listens there any more: the sync still succeeds, and says the webhook failed.
    const { code, stdout } = await sync(
      "~5.2",
      new FakeCluster({ chart: "hyrax", version: "5.2.0", status: "deployed" }),
      ["--dry-run", "--webhook", `http://127.0.0.1:${port}/hook`],
    );
    expect(code).toBe(10);
    expect(JSON.parse(stdout).webhook).toMatch(/webhook unreachable/);
  });
});

describe("the cost of one check", () => {
  it("is the tag-list pages plus one manifest read (counted by a recording proxy)", async () => {
    const proxy = await startProxy(registry.host);
    proxy.paginate = true;
    try {
      let stdout = "";
      await runCli(
        [
          "sync",
          "--chart",
          `oci://${proxy.host}/samvera/charts/hyrax`,
          "--release",
          "hyrax",
          "--namespace",
          "samvera",
          "--policy",
          "~5.2",
          "--dry-run",
          "--json",
        ],
        { stdout: (t) => void (stdout += t), stderr: () => undefined, env: {}, cwd: "/", now: () => new Date() },
        new FakeCluster({ chart: "hyrax", version: "5.2.0", status: "deployed" }),
      );
      expect(JSON.parse(stdout).installed).toBe("5.2.29");
      const pages = proxy.recorded.filter((r) => r.path.includes("/tags/list"));
      const manifests = proxy.recorded.filter((r) => r.path.includes("/manifests/"));
      expect(pages.length).toBe(1); // 300 tags fit one page of 1000
      expect(manifests).toEqual([{ method: "GET", path: "/v2/samvera/charts/hyrax/manifests/5.2.29", status: 200 }]);
      expect(proxy.recorded).toHaveLength(pages.length + 1);
    } finally {
      await proxy.stop();
    }
  });
});
