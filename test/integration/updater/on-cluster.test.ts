import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../../src/cli/program.js";
import type { SyncResult } from "../../../src/updater/index.js";
import { startControlPlane, type ControlPlane } from "../../kit/cluster/control-plane.js";
import { clusterEnv, helm, HELM3, HELM4, publishChart } from "../../kit/cluster/helm.js";
import { startRegistry, type LocalRegistry } from "../../kit/index.js";
import { builtTool, cosignKeyPair, must } from "../../kit/sigstore.js";
import { joined } from "../../kit/regex.js";

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
let derivedRole: string;

/** charthouse, in-process, with this environment. */
async function charthouse(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(args, {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    env,
    cwd: "/",
    now: () => new Date(),
  });
  return { code, stdout, stderr };
}

beforeAll(async () => {
  [cluster, registry] = await Promise.all([startControlPlane(), startRegistry()]);
  chart = `${registry.host}/charts/shelf`;
  admin = clusterEnv(cluster.kubeconfig, mkdtempSync(join(tmpdir(), "charthouse-admin-")));
  await cluster.kubectl(["create", "namespace", "ops"]);
  await cluster.kubectl(["create", "namespace", TARGET]);
  // The Role is charthouse's: derived from the kinds the target chart renders, and taken by the updater chart.
  const role = await charthouse(["updater-role", "--chart", SHELF, "--release", "shelf", "--namespace", TARGET], admin);
  expect(role.code, role.stderr).toBe(0);
  derivedRole = role.stdout;
  writeFileSync(join(admin.HOME!, "role.yaml"), derivedRole);
  await helm(
    HELM4,
    [
      "install",
      "updater",
      UPDATER,
      "--namespace",
      "ops",
      "--set",
      `target.namespace=${TARGET}`,
      "--set",
      `target.chart=oci://${chart}`,
      "--set",
      "target.release=shelf",
      "-f",
      join(admin.HOME!, "role.yaml"),
    ],
    admin,
  );
  const kubeconfig = await cluster.serviceAccountKubeconfig("ops", ACCOUNT);
  asUpdater = clusterEnv(kubeconfig, mkdtempSync(join(tmpdir(), "charthouse-updater-")));
}, 180_000);
afterAll(async () => Promise.all([cluster?.stop(), registry?.stop()]));

async function sync(
  release: string,
  policy: string,
  extra: string[] = [],
  env: NodeJS.ProcessEnv = asUpdater,
): Promise<{ code: number; result: SyncResult; stderr: string }> {
  const { code, stdout, stderr } = await charthouse(
    [
      "sync",
      "--chart",
      `oci://${chart}`,
      "--release",
      release,
      "--namespace",
      TARGET,
      "--policy",
      policy,
      "--json",
      ...extra,
    ],
    env,
  );
  return { code, result: JSON.parse(stdout.trim().split("\n").pop()!) as SyncResult, stderr };
}

/** The release as the cluster holds it: helm's history of its revisions. */
async function history(release: string): Promise<{ revision: number; chart: string; status: string }[]> {
  return JSON.parse(await helm(HELM4, ["history", release, "--namespace", TARGET, "-o", "json"], admin));
}

describe("the updater chart, installed for real", () => {
  it("the API server holds its CronJob, ServiceAccount, Role and RoleBinding", async () => {
    const ops = JSON.parse(
      await cluster.kubectl([
        "get",
        "cronjob,serviceaccount,role,rolebinding",
        "-n",
        "ops",
        "-l",
        "app.kubernetes.io/instance=updater",
        "-o",
        "json",
      ]),
    ).items;
    const shop = JSON.parse(
      await cluster.kubectl([
        "get",
        "role,rolebinding",
        "-n",
        TARGET,
        "-l",
        "app.kubernetes.io/instance=updater",
        "-o",
        "json",
      ]),
    ).items;
    expect(ops.map((o: { kind: string }) => o.kind).sort()).toEqual(["CronJob", "ServiceAccount"]);
    expect(shop.map((o: { kind: string }) => o.kind).sort()).toEqual(["Role", "RoleBinding"]);
  });

  it("a Job made from its CronJob has its pod scheduled on a kwok node", async () => {
    await cluster.kubectl(["create", "job", "sync-now", "--from", `cronjob/${ACCOUNT}`, "--namespace", "ops"]);
    await cluster.kubectl([
      "wait",
      "pod",
      "-l",
      "job-name=sync-now",
      "-n",
      "ops",
      "--for",
      "condition=PodScheduled",
      "--timeout",
      "60s",
    ]);
    const pod = JSON.parse(await cluster.kubectl(["get", "pod", "-l", "job-name=sync-now", "-n", "ops", "-o", "json"]))
      .items[0];
    expect(pod.spec.nodeName).toBe("kwok-node-0");
    expect(pod.spec.serviceAccountName).toBe(ACCOUNT);
    expect(pod.spec.containers[0].args.slice(0, 2)).toEqual(["sync", "--chart"]);
  });
});

describe("least privilege, asked of the API server", () => {
  const updater = `--as=system:serviceaccount:ops:${ACCOUNT}`;
  const canI = async (...args: string[]) =>
    (await cluster.kubectl(["auth", "can-i", ...args, updater]).catch((e: Error) => e.message))
      .trim()
      .split("\n")
      .pop()!
      .replace(/^.*: /, "");

  it("the Role the updater chart took is the one charthouse derived from the shelf chart's kinds", async () => {
    expect(derivedRole).toMatch(
      joined(
        /^# The updater's Role for release shelf in shop, derived by charthouse updater-role from .*shelf:\n# it /,
        /manages what the chart renders \(ConfigMap, Deployment, Service\)/,
      ),
    );
    const role = JSON.parse(await cluster.kubectl(["get", "role", ACCOUNT, "-n", TARGET, "-o", "json"]));
    expect(role.rules).toEqual([
      {
        apiGroups: [""],
        resources: ["configmaps", "services"],
        verbs: ["get", "list", "watch", "create", "update", "patch", "delete"],
      },
      {
        apiGroups: ["apps"],
        resources: ["deployments"],
        verbs: ["get", "list", "watch", "create", "update", "patch", "delete"],
      },
      { apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch"] },
      { apiGroups: ["apps"], resources: ["replicasets"], verbs: ["get", "list", "watch"] },
      { apiGroups: [""], resources: ["secrets"], verbs: ["get", "list", "create", "update", "patch", "delete"] },
    ]);
  });

  it.each([
    ["patch", "deployments.apps", "-n", TARGET],
    ["create", "services", "-n", TARGET],
    ["delete", "configmaps", "-n", TARGET],
    ["list", "pods", "-n", TARGET],
    ["update", "secrets", "-n", TARGET],
  ])("can %s %s %s %s: what an upgrade needs", async (...args) => expect(await canI(...args)).toBe("yes"));

  it.each([
    ["get", "secrets", "-n", "ops"],
    ["get", "secrets", "-n", "kube-system"],
    ["list", "deployments.apps", "-n", "default"],
    ["create", "clusterroles.rbac.authorization.k8s.io"],
    ["create", "namespaces"],
    ["create", "clusterrolebindings.rbac.authorization.k8s.io"],
    ["escalate", "roles.rbac.authorization.k8s.io", "-n", TARGET],
    ["bind", "roles.rbac.authorization.k8s.io", "-n", TARGET],
    ["create", "rolebindings.rbac.authorization.k8s.io", "-n", TARGET],
    ["impersonate", "serviceaccounts", "-n", TARGET],
    ["create", "pods/exec", "-n", TARGET],
    ["delete", "pods", "-n", TARGET],
  ])("cannot %s %s %s %s", async (...args) => expect(await canI(...args)).toBe("no"));
});

describe("charthouse sync as the updater, against the real API server and registry", () => {
  const digests = new Map<string, string>();
  const publish = async (version: string, values?: Record<string, unknown>) =>
    digests.set(version, await publishChart(SHELF, chart, version, { values }));

  it("installs the chart when the release is absent, by digest", async () => {
    await publish("1.0.0");
    await publish("1.1.0-nightly.20261120");
    const { code, result } = await sync("shelf", "nightly");
    expect(result).toMatchObject({
      action: "upgraded",
      installed: "1.1.0-nightly.20261120",
      digest: digests.get("1.1.0-nightly.20261120"),
    });
    expect(result.deployed).toBeUndefined();
    expect(result.message).toBe(`installed 1.1.0-nightly.20261120 (${digests.get("1.1.0-nightly.20261120")})`);
    expect(code).toBe(10);
    expect(await history("shelf")).toMatchObject([
      { revision: 1, chart: "shelf-1.1.0-nightly.20261120", status: "deployed" },
    ]);
  });

  it("upgrades to a newer nightly, and is up to date on the next run", async () => {
    await publish("1.1.0-nightly.20261121");
    expect((await sync("shelf", "nightly")).result).toMatchObject({
      action: "upgraded",
      deployed: "1.1.0-nightly.20261120",
      installed: "1.1.0-nightly.20261121",
    });
    const again = await sync("shelf", "nightly");
    expect(again.result).toMatchObject({ action: "up-to-date", deployed: "1.1.0-nightly.20261121" });
    expect(again.code).toBe(0);
    expect((await history("shelf")).map((r) => r.chart)).toEqual([
      "shelf-1.1.0-nightly.20261120",
      "shelf-1.1.0-nightly.20261121",
    ]);
  });

  it("never downgrades: not for a republished older nightly, not when the newest tag is deleted", async () => {
    await publish("1.1.0-nightly.20261119");
    expect((await sync("shelf", "nightly")).result).toMatchObject({
      action: "up-to-date",
      deployed: "1.1.0-nightly.20261121",
      found: "1.1.0-nightly.20261121",
    });
    const deleted = await fetch(`${registry.url}/v2/charts/shelf/manifests/${digests.get("1.1.0-nightly.20261121")}`, {
      method: "DELETE",
    });
    expect(deleted.status).toBe(202);
    expect((await sync("shelf", "nightly")).result).toMatchObject({
      action: "up-to-date",
      deployed: "1.1.0-nightly.20261121",
      found: "1.1.0-nightly.20261120",
    });
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
    await cluster.kubectl([
      "create",
      "configmap",
      "charthouse-sync-shelf-stable",
      "-n",
      TARGET,
      "--from-literal=hold=true",
    ]);
    expect((await sync("shelf-stable", "stable")).result).toMatchObject({ action: "held", deployed: "1.3.0" });
    await cluster
      .kubectl([
        "create",
        "configmap",
        "charthouse-sync-shelf-stable",
        "-n",
        TARGET,
        "--from-literal=skip=1.3.2",
        "--dry-run=client",
        "-o",
        "yaml",
      ])
      .then((yaml) => cluster.kubectl(["replace", "-f", "-"], yaml));
    const { result } = await sync("shelf-stable", "stable");
    expect(result).toMatchObject({
      action: "upgraded",
      deployed: "1.3.0",
      installed: "1.3.1",
      skipped: [{ version: "1.3.2", reason: "on the skip list" }],
    });
    expect((await history("shelf-stable")).at(-1)).toMatchObject({ chart: "shelf-1.3.1", status: "deployed" });
  });

  it("is rolled back by --atomic when the new release's pods crash, says why, and exits 21", async () => {
    await publish("1.2.4", { podLabels: { "charthouse.test/kwok": "crash" } });
    const { code, result } = await sync("shelf-range", "~1.2", ["--timeout", "20s"]);
    expect(code, result.message).toBe(21);
    expect(result).toMatchObject({ action: "rolled-back", deployed: "1.2.3", installed: "1.2.4" });
    expect(result.message).toMatch(/^upgrade to 1\.2\.4 failed and was rolled back to 1\.2\.3: /);
    const revisions = await history("shelf-range");
    expect(revisions.map((r) => [r.chart, r.status])).toEqual([
      ["shelf-1.2.3", "superseded"],
      ["shelf-1.2.4", "failed"],
      ["shelf-1.2.3", "deployed"],
    ]);
  }, 120_000); // helm waits --timeout for the upgrade, then again for the rollback

  it("reads the cluster's history: a version that failed and was rolled back is not retried next run", async () => {
    const { code, result } = await sync("shelf-range", "~1.2", ["--timeout", "20s"]);
    expect(code).toBe(0);
    expect(result).toMatchObject({
      action: "up-to-date",
      deployed: "1.2.3",
      skipped: [
        {
          version: "1.2.4",
          reason:
            "failed in revision 2 and was rolled back: not retried (a newer version, or an upgrade to it by hand, " +
            "clears this)",
        },
      ],
    });
    expect(await history("shelf-range")).toHaveLength(3);
    // A newer version in the range is upgraded to, past the failed one.
    await publish("1.2.5");
    const next = await sync("shelf-range", "~1.2");
    expect(next.result).toMatchObject({
      action: "upgraded",
      deployed: "1.2.3",
      installed: "1.2.5",
      digest: digests.get("1.2.5"),
    });
    expect((await history("shelf-range")).at(-1)).toMatchObject({ chart: "shelf-1.2.5", status: "deployed" });
  });

  it("reads the history the cluster holds: after a manual rollback it sees the older version", async () => {
    await helm(HELM4, ["rollback", "shelf-stable", "1", "--namespace", TARGET, "--wait"], admin);
    const { result } = await sync("shelf-stable", "stable", ["--dry-run"]);
    expect(result).toMatchObject({ action: "upgraded", deployed: "1.3.0", installed: "1.3.1", dryRun: true });
  });

  it("refuses, before upgrading, a version rendering a kind its Role lacks, naming the missing rule", async () => {
    const policy =
      "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: { name: {{ .Release.Name }}-shelf }\n" +
      "spec: { podSelector: {}, policyTypes: [Ingress] }\n";
    digests.set("1.3.3", await publishChart(SHELF, chart, "1.3.3", { templates: { "networkpolicy.yaml": policy } }));
    const before = await history("shelf-stable");
    const { code, result } = await sync("shelf-stable", "stable");
    expect(code).toBe(2);
    expect(result).toMatchObject({ action: "misconfigured", installed: "1.3.3" });
    expect(result.message).toBe(
      "1.3.3 needs what the updater may not do in shop: get, list, watch, create, update, patch, delete " +
        "networkpolicies.networking.k8s.io. Nothing was changed: add these to the updater chart's rbac.rules " +
        "(charthouse updater-role derives them from the chart)",
    );
    expect(await history("shelf-stable")).toEqual(before);
  });

  it("says plainly when no cluster is reachable: no kubectl log lines, exit 20", async () => {
    const dead = join(asUpdater.HOME!, "dead.kubeconfig");
    const live = readFileSync(asUpdater.KUBECONFIG!, "utf8");
    writeFileSync(dead, live.replace(cluster.server, "https://127.0.0.1:1"));
    const { code, result } = await sync("shelf", "nightly", [], { ...asUpdater, KUBECONFIG: dead });
    expect(code).toBe(20);
    expect(result.message).toBe(
      "check failed: no cluster reachable at https://127.0.0.1:1 (connection refused): run sync in the cluster (the " +
        "updater chart's CronJob, with its ServiceAccount) or point KUBECONFIG at one",
    );
  });

  it("works the same with helm 3 as the updater's helm", async () => {
    await publish("1.1.0-nightly.20261122");
    const { result } = await sync("shelf", "nightly", [], { ...asUpdater, CHARTHOUSE_HELM: HELM3 });
    expect(result).toMatchObject({ action: "upgraded", installed: "1.1.0-nightly.20261122" });
    expect((await history("shelf")).at(-1)).toMatchObject({
      chart: "shelf-1.1.0-nightly.20261122",
      status: "deployed",
    });
  });

  // Issue 24 on the real cluster: a token holder without the signing key can push to the channel,
  // but the updater verifying with the pipeline's public key installs nothing of theirs.
  it("--verify-key: an unsigned newer chart is refused, the cluster stays; once signed, it is installed", async () => {
    const keys = await cosignKeyPair(mkdtempSync(join(tmpdir(), "charthouse-keys-")), "updater-test");
    const before = await history("shelf");
    await publish("1.1.0-nightly.20261123");
    const refused = await sync("shelf", "nightly", ["--verify-key", keys.publicKey]);
    expect(refused.result.action).not.toBe("upgraded");
    expect(`${refused.result.message} ${refused.stderr}`).toMatch(/1\.1\.0-nightly\.20261123/);
    expect(refused.code).toBe(22);
    expect(await history("shelf")).toEqual(before);

    await must(
      builtTool("cosign"),
      [
        "sign",
        "--key",
        keys.privateKey,
        "--tlog-upload=false",
        "--allow-http-registry",
        "--yes",
        `${chart}@${digests.get("1.1.0-nightly.20261123")}`,
      ],
      { env: { ...process.env, COSIGN_PASSWORD: "updater-test" } },
    );
    const signed = await sync("shelf", "nightly", ["--verify-key", keys.publicKey]);
    expect(signed.result).toMatchObject({ action: "upgraded", installed: "1.1.0-nightly.20261123" });
    expect((await history("shelf")).at(-1)).toMatchObject({
      chart: "shelf-1.1.0-nightly.20261123",
      status: "deployed",
    });
  });
});
