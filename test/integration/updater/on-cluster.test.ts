import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../../src/cli/program.js";
import type { SyncResult } from "../../../src/updater/index.js";
import { startControlPlane, type ControlPlane } from "../../kit/cluster/control-plane.js";
import { clusterEnv, helm, HELM3, HELM4, publishChart } from "../../kit/cluster/helm.js";
import { startRegistry, type LocalRegistry } from "../../kit/index.js";

// The pull model on a real control plane: the updater chart installed with helm, and
// `charthouse sync` run as the updater (its ServiceAccount's token from the TokenRequest
// API, in a kubeconfig shaped like a pod's in-cluster config) against the real registry
// with the real helm. kwok plays the nodes: pods are scheduled and said to run or crash,
// but no container runs, so the CronJob's own pod never runs sync; the test runs it.
const UPDATER = new URL("../../../deploy/updater", import.meta.url).pathname;
const SHELF = new URL("../../fixtures/charts/shelf", import.meta.url).pathname;
const TARGET = "shop";
const ACCOUNT = "updater-charthouse-updater";

let cluster: ControlPlane;
let registry: LocalRegistry;
let chart: string;
let admin: NodeJS.ProcessEnv;
let asUpdater: NodeJS.ProcessEnv;

beforeAll(async () => {
  [cluster, registry] = await Promise.all([startControlPlane(), startRegistry()]);
  chart = `${registry.host}/charts/shelf`;
  admin = clusterEnv(cluster.kubeconfig, mkdtempSync(join(tmpdir(), "charthouse-admin-")));
  await cluster.kubectl(["create", "namespace", "ops"]);
  await cluster.kubectl(["create", "namespace", TARGET]);
  await helm(HELM4, ["install", "updater", UPDATER, "--namespace", "ops", "--set", `target.namespace=${TARGET}`, "--set", `target.chart=oci://${chart}`, "--set", "target.release=shelf"], admin);
  const kubeconfig = await cluster.serviceAccountKubeconfig("ops", ACCOUNT);
  asUpdater = clusterEnv(kubeconfig, mkdtempSync(join(tmpdir(), "charthouse-updater-")));
}, 180_000);
afterAll(async () => Promise.all([cluster?.stop(), registry?.stop()]));

async function sync(release: string, policy: string, extra: string[] = [], env: NodeJS.ProcessEnv = asUpdater): Promise<{ code: number; result: SyncResult; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(["sync", "--chart", `oci://${chart}`, "--release", release, "--namespace", TARGET, "--policy", policy, "--json", ...extra], {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    env,
    cwd: "/",
    now: () => new Date(),
  });
  return { code, result: JSON.parse(stdout.trim().split("\n").pop()!) as SyncResult, stderr };
}

/** The release as the cluster holds it: helm's history of its revisions. */
async function history(release: string): Promise<{ revision: number; chart: string; status: string }[]> {
  return JSON.parse(await helm(HELM4, ["history", release, "--namespace", TARGET, "-o", "json"], admin));
}

describe("the updater chart, installed for real", () => {
  it("the API server holds its CronJob, ServiceAccount, Role and RoleBinding", async () => {
    const ops = JSON.parse(await cluster.kubectl(["get", "cronjob,serviceaccount,role,rolebinding", "-n", "ops", "-l", "app.kubernetes.io/instance=updater", "-o", "json"])).items;
    const shop = JSON.parse(await cluster.kubectl(["get", "role,rolebinding", "-n", TARGET, "-l", "app.kubernetes.io/instance=updater", "-o", "json"])).items;
    expect(ops.map((o: { kind: string }) => o.kind).sort()).toEqual(["CronJob", "ServiceAccount"]);
    expect(shop.map((o: { kind: string }) => o.kind).sort()).toEqual(["Role", "RoleBinding"]);
  });

  it("a Job made from its CronJob has its pod scheduled on a kwok node", async () => {
    await cluster.kubectl(["create", "job", "sync-now", "--from", `cronjob/${ACCOUNT}`, "--namespace", "ops"]);
    await cluster.kubectl(["wait", "pod", "-l", "job-name=sync-now", "-n", "ops", "--for", "condition=PodScheduled", "--timeout", "60s"]);
    const pod = JSON.parse(await cluster.kubectl(["get", "pod", "-l", "job-name=sync-now", "-n", "ops", "-o", "json"])).items[0];
    expect(pod.spec.nodeName).toBe("kwok-node-0");
    expect(pod.spec.serviceAccountName).toBe(ACCOUNT);
    expect(pod.spec.containers[0].args.slice(0, 2)).toEqual(["sync", "--chart"]);
  });
});

describe("charthouse sync as the updater, against the real API server and registry", () => {
  const digests = new Map<string, string>();
  const publish = async (version: string, values?: Record<string, unknown>) => digests.set(version, await publishChart(SHELF, chart, version, { values }));

  it("installs the chart when the release is absent, by digest", async () => {
    await publish("1.0.0");
    await publish("1.1.0-nightly.20261120");
    const { code, result } = await sync("shelf", "nightly");
    expect(result).toMatchObject({ action: "upgraded", installed: "1.1.0-nightly.20261120", digest: digests.get("1.1.0-nightly.20261120") });
    expect(result.deployed).toBeUndefined();
    expect(code).toBe(10);
    expect(await history("shelf")).toMatchObject([{ revision: 1, chart: "shelf-1.1.0-nightly.20261120", status: "deployed" }]);
  });

  it("upgrades to a newer nightly, and is up to date on the next run", async () => {
    await publish("1.1.0-nightly.20261121");
    expect((await sync("shelf", "nightly")).result).toMatchObject({ action: "upgraded", deployed: "1.1.0-nightly.20261120", installed: "1.1.0-nightly.20261121" });
    const again = await sync("shelf", "nightly");
    expect(again.result).toMatchObject({ action: "up-to-date", deployed: "1.1.0-nightly.20261121" });
    expect(again.code).toBe(0);
    expect((await history("shelf")).map((r) => r.chart)).toEqual(["shelf-1.1.0-nightly.20261120", "shelf-1.1.0-nightly.20261121"]);
  });

  it("never downgrades: not for a republished older nightly, not when the newest tag is deleted", async () => {
    await publish("1.1.0-nightly.20261119");
    expect((await sync("shelf", "nightly")).result).toMatchObject({ action: "up-to-date", deployed: "1.1.0-nightly.20261121", found: "1.1.0-nightly.20261121" });
    const deleted = await fetch(`${registry.url}/v2/charts/shelf/manifests/${digests.get("1.1.0-nightly.20261121")}`, { method: "DELETE" });
    expect(deleted.status).toBe(202);
    expect((await sync("shelf", "nightly")).result).toMatchObject({ action: "up-to-date", deployed: "1.1.0-nightly.20261121", found: "1.1.0-nightly.20261120" });
    expect(await history("shelf")).toHaveLength(2);
  });

  it.each([
    { policy: "~1.2", release: "shelf-range", expected: "1.2.3" },
    { policy: "stable", release: "shelf-stable", expected: "1.3.0" },
  ])("follows $policy: installs $expected", async ({ policy, release, expected }) => {
    for (const v of ["1.2.0", "1.2.3", "1.3.0", "1.4.0-rc.1"]) if (!digests.has(v)) await publish(v);
    const { result } = await sync(release, policy);
    expect(result).toMatchObject({ action: "upgraded", installed: expected, digest: digests.get(expected) });
    expect((await history(release)).map((r) => r.chart)).toEqual([`shelf-${expected}`]);
  });

  it("honours hold and skip from the release's ConfigMap", async () => {
    await publish("1.3.1");
    await publish("1.3.2");
    await cluster.kubectl(["create", "configmap", "charthouse-sync-shelf-stable", "-n", TARGET, "--from-literal=hold=true"]);
    expect((await sync("shelf-stable", "stable")).result).toMatchObject({ action: "held", deployed: "1.3.0" });
    await cluster.kubectl(["create", "configmap", "charthouse-sync-shelf-stable", "-n", TARGET, "--from-literal=skip=1.3.2", "--dry-run=client", "-o", "yaml"]).then((yaml) => cluster.kubectl(["replace", "-f", "-"], yaml));
    const { result } = await sync("shelf-stable", "stable");
    expect(result).toMatchObject({ action: "upgraded", deployed: "1.3.0", installed: "1.3.1", skipped: [{ version: "1.3.2", reason: "on the skip list" }] });
    expect((await history("shelf-stable")).at(-1)).toMatchObject({ chart: "shelf-1.3.1", status: "deployed" });
  });

  it("is rolled back by --atomic when the new release's pods crash, says why, and exits 21", async () => {
    await publish("1.2.4", { podLabels: { "charthouse.test/kwok": "crash" } });
    const { code, result } = await sync("shelf-range", "~1.2", ["--timeout", "20s"]);
    expect(code).toBe(21);
    expect(result).toMatchObject({ action: "rolled-back", deployed: "1.2.3", installed: "1.2.4" });
    expect(result.message).toMatch(/^upgrade to 1\.2\.4 failed and was rolled back to 1\.2\.3: /);
    const revisions = await history("shelf-range");
    expect(revisions.map((r) => [r.chart, r.status])).toEqual([["shelf-1.2.3", "superseded"], ["shelf-1.2.4", "failed"], ["shelf-1.2.3", "deployed"]]);
  });

  it("reads the history the cluster holds: after a manual rollback it sees the older version", async () => {
    await helm(HELM4, ["rollback", "shelf-stable", "1", "--namespace", TARGET, "--wait"], admin);
    const { result } = await sync("shelf-stable", "stable", ["--dry-run"]);
    expect(result).toMatchObject({ action: "upgraded", deployed: "1.3.0", installed: "1.3.1", dryRun: true });
  });

  it("works the same with helm 3 as the updater's helm", async () => {
    await publish("1.1.0-nightly.20261122");
    const { result } = await sync("shelf", "nightly", [], { ...asUpdater, CHARTHOUSE_HELM: HELM3 });
    expect(result).toMatchObject({ action: "upgraded", installed: "1.1.0-nightly.20261122" });
    expect((await history("shelf")).at(-1)).toMatchObject({ chart: "shelf-1.1.0-nightly.20261122", status: "deployed" });
  });
});
