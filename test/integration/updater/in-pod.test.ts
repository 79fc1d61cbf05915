import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { parse } from "yaml";
import { runCli } from "../../../src/cli/program.js";
import { NODE_HOST_IP, startControlPlane, type ControlPlane } from "../../kit/cluster/control-plane.js";
import { clusterEnv, helm, HELM4, publishChart } from "../../kit/cluster/helm.js";
import { jobOutcome, runJobNow, watchScheduledJobs } from "../../kit/cluster/jobs.js";
import { startNode, type KubeNode } from "../../kit/cluster/node.js";
import { buildUpdaterImage, UPDATER_IMAGE } from "../../kit/cluster/updater-image.js";
import { startRegistry, type LocalRegistry } from "../../kit/index.js";
import { builtTool, cosignKeyPair, must } from "../../kit/sigstore.js";

// The pull model as it runs in a cluster, with nothing run from outside the pod: a real node
// (kubelet, containerd, kube-proxy in namespaces of their own; test/kit/cluster/node.ts) runs
// the updater chart's CronJob pod from charthouse's own image. In that pod, charthouse sync
// finds the API server through the `kubernetes` Service with the mounted ServiceAccount token,
// reads a registry that needs a login (credentials from a Secret) over the node's network,
// verifies the cosign signature and upgrades a release whose busybox httpd pods really run.
// The test only publishes charts, starts Jobs the way an operator does, and reads what the
// cluster shows: Job status, exit codes, `kubectl logs`.
const UPDATER = new URL("../../../deploy/updater", import.meta.url).pathname;
const LANTERN = new URL("../../fixtures/charts/lantern", import.meta.url).pathname;
const TARGET = "shop";
const ACCOUNT = "updater-charthouse-updater";
const NEVER = "0 0 1 1 *"; // the CronJob's schedule between the scheduled runs the test asks for
const USER = { username: "charthouse-updater", password: "in-pod-registry-password" };

let cluster: ControlPlane;
let node: KubeNode;
let registry: LocalRegistry;
let work: string;
let admin: NodeJS.ProcessEnv;
let keys: { privateKey: string; publicKey: string };
let derivedRole: string;
const timings: Record<string, number> = {};

/** The chart as the test publishes it (host loopback) and as the pod reads it (slirp4netns' gateway). */
const chartOnHost = () => `${registry.host}/charts/lantern`;
const chartInPod = () => `${registry.host.replace("127.0.0.1", NODE_HOST_IP)}/charts/lantern`;

const nightly = (day: number) => `1.1.0-nightly.202611${String(day).padStart(2, "0")}`;

async function publish(version: string, opts: { sign?: boolean; readyPath?: string } = {}): Promise<string> {
  const values = opts.readyPath ? { readyPath: opts.readyPath } : undefined;
  const digest = await publishChart(LANTERN, chartOnHost(), version, { values, login: USER });
  if (opts.sign ?? true)
    await must(
      builtTool("cosign"),
      ["sign", "--key", keys.privateKey, "--tlog-upload=false", "--allow-http-registry", "--yes"].concat(
        `${chartOnHost()}@${digest}`,
      ),
      { env: { ...process.env, COSIGN_PASSWORD: "in-pod", DOCKER_CONFIG: join(work, "docker") } },
    );
  return digest;
}

const runNow = (name: string) => runJobNow(cluster, "ops", ACCOUNT, name);

/** The JSON log line of a sync run (the last line of `kubectl logs`, which has stdout and stderr). */
const decision = (log: string) =>
  JSON.parse(
    log
      .trim()
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .pop()!,
  ) as Record<string, unknown>;

/** The lantern release's pods as kubectl shows them: the chart version each runs, and whether it is Ready. */
async function lanternPods(): Promise<{ version: string; ready: boolean; phase: string }[]> {
  const pods = JSON.parse(
    await cluster.kubectl(["get", "pod", "-n", TARGET, "-l", "app.kubernetes.io/instance=lantern", "-o", "json"]),
  ).items as {
    metadata: { labels: Record<string, string>; deletionTimestamp?: string };
    status: { phase: string; conditions?: { type: string; status: string }[] };
  }[];
  return pods
    .filter((p) => !p.metadata.deletionTimestamp)
    .map((p) => ({
      version: p.metadata.labels["app.kubernetes.io/version"]!,
      ready: p.status.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false,
      phase: p.status.phase,
    }));
}

async function history(): Promise<{ revision: number; chart: string; status: string }[]> {
  return JSON.parse(await helm(HELM4, ["history", "lantern", "--namespace", TARGET, "-o", "json"], admin));
}

async function setSchedule(schedule: string): Promise<void> {
  await helm(
    HELM4,
    ["upgrade", "updater", UPDATER, "--namespace", "ops", "--reuse-values", "--set", `schedule=${schedule}`],
    admin,
  );
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "charthouse-in-pod-"));
  const started = Date.now();
  [cluster, registry] = await Promise.all([
    startControlPlane({ nodes: 0, realNode: true }),
    startRegistry({ kind: "htpasswd", users: { [USER.username]: USER.password } }),
  ]);
  timings.controlPlane = Date.now() - started;
  const image = join(work, "updater-image.tar");
  const building = Date.now();
  [node] = await Promise.all([
    startNode(cluster),
    buildUpdaterImage(inject("dockerHost"), image).then(() => (timings.image = Date.now() - building)),
  ]);
  timings.node = node.readyInMs;
  await node.importImage(image);
  admin = clusterEnv(cluster.kubeconfig, join(work, "admin"));
  // cosign signs with the registry login a maintainer's docker config holds.
  const auth = Buffer.from(`${USER.username}:${USER.password}`).toString("base64");
  mkdirSync(join(work, "docker"), { mode: 0o700 });
  writeFileSync(join(work, "docker", "config.json"), JSON.stringify({ auths: { [registry.host]: { auth } } }), {
    mode: 0o600,
  });
  keys = await cosignKeyPair(join(work, "keys"), "in-pod");

  // An operator's setup: namespaces (ops enforcing Pod Security "restricted"), the registry
  // Secret the chart documents, the Role charthouse derives, then the chart, installed with helm.
  await cluster.kubectl(["create", "namespace", TARGET]);
  await cluster.kubectl(["apply", "-f", "-"], NAMESPACE_OPS);
  await cluster.kubectl(["apply", "-f", "-"], registrySecret());
  const role = await charthouse(["updater-role", "--chart", LANTERN, "--release", "lantern", "--namespace", TARGET]);
  expect(role.code, role.stderr).toBe(0);
  derivedRole = role.stdout;
  writeFileSync(join(work, "role.yaml"), derivedRole);
  await helm(
    HELM4,
    [
      "install",
      "updater",
      UPDATER,
      "--namespace",
      "ops",
      "-f",
      join(work, "role.yaml"),
      "--set",
      `image.repository=${UPDATER_IMAGE.repository}`,
      "--set",
      `image.tag=${UPDATER_IMAGE.tag}`,
      "--set",
      "image.pullPolicy=Never",
      "--set",
      `schedule=${NEVER}`,
      "--set",
      `target.chart=oci://${chartInPod()}`,
      "--set",
      "target.release=lantern",
      "--set",
      `target.namespace=${TARGET}`,
      "--set",
      "target.policy=nightly",
      "--set",
      "target.timeout=30s",
      "--set",
      "target.plainHttp=true",
      "--set",
      "registrySecret=registry-read",
      "--set-file",
      `verify.publicKey=${keys.publicKey}`,
    ],
    admin,
  );
}, 900_000);

afterAll(async () => {
  console.log(`in-pod suite timings (ms): ${JSON.stringify(timings)}`);
  await node?.stop();
  await Promise.all([cluster?.stop(), registry?.stop()]);
  if (work) rmSync(work, { recursive: true, force: true });
});

const NAMESPACE_OPS = `apiVersion: v1
kind: Namespace
metadata:
  name: ops
  labels:
    pod-security.kubernetes.io/enforce: restricted
    pod-security.kubernetes.io/enforce-version: latest
`;

function registrySecret(): string {
  return `apiVersion: v1
kind: Secret
metadata: { name: registry-read, namespace: ops }
type: Opaque
stringData:
  username: ${USER.username}
  password: ${USER.password}
`;
}

async function charthouse(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(args, {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    env: admin,
    cwd: "/",
    now: () => new Date(),
  });
  return { code, stdout, stderr };
}

describe("the updater's CronJob as a real pod on a real node", () => {
  it("the node is a real kubelet, and kwok manages nothing", async () => {
    const nodes = JSON.parse(await cluster.kubectl(["get", "nodes", "-o", "json"])).items;
    expect(nodes.map((n: { metadata: { name: string } }) => n.metadata.name)).toEqual([node.name]);
    expect(nodes[0].status.nodeInfo).toMatchObject({
      kubeletVersion: "v1.34.4",
      containerRuntimeVersion: expect.stringMatching(/^containerd:\/\/1\./),
    });
  });

  it("its image runs non-root on a read-only root filesystem, under the chart's own securityContext", async () => {
    // The CronJob's pod template, as helm rendered it, with only the command changed: the same
    // image, user, securityContext and volumes, in the namespace enforcing "restricted".
    const cron = JSON.parse(await cluster.kubectl(["get", "cronjob", ACCOUNT, "-n", "ops", "-o", "json"]));
    const spec = cron.spec.jobTemplate.spec.template.spec;
    spec.containers[0].command = ["sh", "-c"];
    spec.containers[0].args = [
      "id -u; id -g; touch /opt/charthouse/probe 2>&1 || true; touch /tmp/probe && echo tmp-writable; " +
        "helm version --short; charthouse --version",
    ];
    const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "image-probe", namespace: "ops" }, spec };
    await cluster.kubectl(["apply", "-f", "-"], JSON.stringify(pod));
    await cluster.kubectl([
      "wait",
      "pod/image-probe",
      "-n",
      "ops",
      "--for",
      "jsonpath={.status.phase}=Succeeded",
      "--timeout",
      "120s",
    ]);
    const log = await cluster.kubectl(["logs", "image-probe", "-n", "ops"]);
    const [uid, gid] = log.split("\n");
    expect([uid, gid]).toEqual(["65532", "65532"]);
    expect(log).toMatch(/touch: \/opt\/charthouse\/probe: Read-only file system/);
    expect(log).toContain("tmp-writable");
    expect(log).toMatch(/^v4\.1\.4/m);
  });

  it("a pod breaking the restricted profile is refused by the API server, so the chart's pod met it", async () => {
    const bad = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "rooted", namespace: "ops" },
      spec: { containers: [{ name: "c", image: "x" }] },
    };
    await expect(cluster.kubectl(["apply", "-f", "-"], JSON.stringify(bad))).rejects.toThrow(
      /violates PodSecurity "restricted/,
    );
  });
});

describe("the pull model end to end, nothing run from outside the pod", () => {
  it("create job --from: the pod installs the newest signed nightly, in-cluster; its pods are Ready", async () => {
    await publish(nightly(20));
    const job = await runNow("sync-install");
    expect(job.log).toContain(`upgraded: installed ${nightly(20)}`);
    expect(job).toMatchObject({ succeeded: true, exitCode: 0, pods: 1, nodeName: node.name });
    // In-cluster config: nothing but the mounted token and the kubernetes Service were given.
    const pod = JSON.parse(
      await cluster.kubectl(["get", "pod", "-n", "ops", "-l", "job-name=sync-install", "-o", "json"]),
    ).items[0];
    const env = pod.spec.containers[0].env.map((e: { name: string }) => e.name);
    expect(env).not.toContain("KUBECONFIG");
    expect(await lanternPods()).toEqual([
      { version: nightly(20), ready: true, phase: "Running" },
      { version: nightly(20), ready: true, phase: "Running" },
    ]);
    expect(await history()).toMatchObject([{ revision: 1, chart: `lantern-${nightly(20)}`, status: "deployed" }]);
  });

  it("the release's pods really serve: kubectl exec and kubectl logs reach them through the node", async () => {
    const name = JSON.parse(
      await cluster.kubectl(["get", "pod", "-n", TARGET, "-l", "app.kubernetes.io/instance=lantern", "-o", "json"]),
    ).items[0].metadata.name;
    expect(
      (
        await cluster.kubectl(["exec", name, "-n", TARGET, "--", "wget", "-qO-", "http://127.0.0.1:8080/version.txt"])
      ).trim(),
    ).toBe(nightly(20));
    expect(await cluster.kubectl(["logs", name, "-n", TARGET])).toContain(`lantern ${nightly(20)} serving on :8080`);
  });

  it("on its schedule: a newer nightly is upgraded to by the CronJob's own Job", async () => {
    await publish(nightly(21));
    const jobs = await watchScheduledJobs(cluster, "ops");
    await setSchedule("* * * * *");
    // Once it has fired, the schedule is put back: the next steps start their Jobs by hand.
    const scheduled = await jobs.next().finally(() => setSchedule(NEVER));
    const job = await jobOutcome(cluster, "ops", scheduled);
    expect(job.log).toContain(`upgraded: upgraded ${nightly(20)} → ${nightly(21)}`);
    expect(job).toMatchObject({ succeeded: true, exitCode: 0 });
    expect(await lanternPods()).toEqual([
      { version: nightly(21), ready: true, phase: "Running" },
      { version: nightly(21), ready: true, phase: "Running" },
    ]);
  }, 300_000);

  it("an older nightly republished is not installed: up to date, exit 0", async () => {
    await publish(nightly(19));
    const job = await runNow("sync-older");
    expect(job).toMatchObject({ succeeded: true, exitCode: 0 });
    expect(job.log).toContain(`up-to-date: up to date at ${nightly(21)} (newest allowed by nightly: ${nightly(21)})`);
    expect((await history()).map((r) => r.chart)).toEqual([`lantern-${nightly(20)}`, `lantern-${nightly(21)}`]);
  });

  it("an unsigned newer nightly is refused: the Job fails with exit 22 and its log says why", async () => {
    await publish(nightly(22), { sign: false });
    const job = await runNow("sync-unsigned");
    expect(job).toMatchObject({ succeeded: false, exitCode: 22, pods: 1 });
    expect(job.log).toMatch(
      new RegExp(`refused: refused every newer version: ${nightly(22).replaceAll(".", "\\.")} \\(.*not signed`),
    );
    expect(decision(job.log)).toMatchObject({ action: "refused", deployed: nightly(21) });
    expect(await history()).toHaveLength(2);
  });

  it("a version whose pods never become Ready is rolled back by --atomic: exit 21, Job failed, no retry", async () => {
    await publish(nightly(23), { readyPath: "/never-ready" });
    const job = await runNow("sync-crash");
    expect(job).toMatchObject({ succeeded: false, exitCode: 21, pods: 1 });
    expect(job.log).toContain(`rolled-back: upgrade to ${nightly(23)} failed and was rolled back to ${nightly(21)}`);
    const status = JSON.parse(await cluster.kubectl(["get", "job", "sync-crash", "-n", "ops", "-o", "json"])).status;
    expect(status.failed).toBe(1);
    expect((await history()).map((r) => [r.chart, r.status])).toEqual([
      [`lantern-${nightly(20)}`, "superseded"],
      [`lantern-${nightly(21)}`, "superseded"],
      [`lantern-${nightly(23)}`, "failed"],
      [`lantern-${nightly(21)}`, "deployed"],
    ]);
    expect(await lanternPods()).toEqual([
      { version: nightly(21), ready: true, phase: "Running" },
      { version: nightly(21), ready: true, phase: "Running" },
    ]);
  }, 240_000);
});

describe("the pod's only permissions are the Role charthouse derived", () => {
  it("the updater's ServiceAccount is bound to that Role alone, and it sufficed for every upgrade above", async () => {
    const bindings = JSON.parse(await cluster.kubectl(["get", "rolebindings,clusterrolebindings", "-A", "-o", "json"]))
      .items as {
      kind: string;
      metadata: { name: string; namespace?: string };
      roleRef: { name: string };
      subjects?: { kind: string; name: string; namespace?: string }[];
    }[];
    const ours = bindings.filter((b) => b.subjects?.some((s) => s.kind === "ServiceAccount" && s.name === ACCOUNT));
    expect(ours.map((b) => [b.kind, b.metadata.namespace, b.roleRef.name])).toEqual([["RoleBinding", TARGET, ACCOUNT]]);
    const role = JSON.parse(await cluster.kubectl(["get", "role", ACCOUNT, "-n", TARGET, "-o", "json"]));
    const derived = parse(derivedRole) as { rbac: { rules: unknown[] } };
    expect(role.rules).toEqual(derived.rbac.rules);
    expect(readFileSync(join(work, "role.yaml"), "utf8")).toBe(derivedRole);
  });
});
