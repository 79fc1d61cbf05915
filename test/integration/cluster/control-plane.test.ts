import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startControlPlane, type ControlPlane } from "../../kit/cluster/control-plane.js";
import { clusterEnv, helm, HELM3, HELM4, publishChart } from "../../kit/cluster/helm.js";
import { startRegistry, type LocalRegistry } from "../../kit/index.js";

// The test kit's control plane itself: real etcd, kube-apiserver, controller-manager and
// scheduler on loopback, kwok nodes. No container runs: kwok only reports pods as running.
const SHELF = new URL("../../fixtures/charts/shelf", import.meta.url).pathname;
let cluster: ControlPlane;
let registry: LocalRegistry;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  [cluster, registry] = await Promise.all([startControlPlane(), startRegistry()]);
  env = clusterEnv(cluster.kubeconfig, mkdtempSync(join(tmpdir(), "charthouse-helm-")));
}, 180_000);
afterAll(async () => Promise.all([cluster?.stop(), registry?.stop()]));

const podsOf = async (namespace: string, selector: string) =>
  JSON.parse(await cluster.kubectl(["get", "pods", "-n", namespace, "-l", selector, "-o", "json"])).items as {
    spec: { nodeName?: string };
    status: { phase: string; conditions?: { type: string; status: string }[] };
  }[];
const ready = (pod: { status: { conditions?: { type: string; status: string }[] } }) =>
  pod.status.conditions?.find((c) => c.type === "Ready")?.status === "True";

describe("the test control plane", () => {
  it("serves a real API: kubectl sees the version it was built at and a Ready kwok node", async () => {
    const version = JSON.parse(await cluster.kubectl(["version", "-o", "json"])) as {
      serverVersion: { gitVersion: string };
    };
    expect(version.serverVersion.gitVersion).toBe("v1.34.4");
    expect((await cluster.kubectl(["get", "nodes", "-o", "name"])).trim()).toBe("node/kwok-node-0");
  });

  it(
    "answers discovery as recorded in test/fixtures/kube/api-resources-v1.34.txt (the kinds table's unit test reads " +
      "it)",
    async () => {
      const recorded = readFileSync(new URL("../../fixtures/kube/api-resources-v1.34.txt", import.meta.url), "utf8");
      expect(await cluster.kubectl(["api-resources", "--no-headers", "--sort-by", "name"])).toBe(recorded);
    },
  );

  it("enforces RBAC: a service account without a binding may do nothing", async () => {
    await cluster.kubectl(["create", "namespace", "rbac-probe"]);
    await cluster.kubectl(["create", "serviceaccount", "nobody", "-n", "rbac-probe"]);
    const answer = await cluster
      .kubectl(["auth", "can-i", "list", "pods", "-n", "rbac-probe", "--as=system:serviceaccount:rbac-probe:nobody"])
      .catch((e: Error) => e.message);
    expect(answer).toMatch(/\bno\b/);
  });

  it.each([
    { helm: "helm 4", binary: HELM4, version: /^v4\.1\.4/ },
    { helm: "helm 3", binary: HELM3, version: /^v3\.17\.3/ },
  ])(
    "$helm installs a chart whose pods the scheduler binds to the kwok node and kwok reports Ready",
    async ({ helm: name, binary, version }) => {
      expect(await helm(binary, ["version", "--short"], env)).toMatch(version);
      const namespace = name.replace(" ", "");
      const ref = `${registry.host}/charts/shelf`;
      await publishChart(SHELF, ref, name === "helm 4" ? "1.0.0" : "1.0.1");
      await helm(
        binary,
        [
          "upgrade",
          "--install",
          "shelf",
          `oci://${ref}`,
          "--version",
          name === "helm 4" ? "1.0.0" : "1.0.1",
          "--namespace",
          namespace,
          "--create-namespace",
          "--wait",
          "--timeout",
          "60s",
          "--plain-http",
        ],
        env,
      );
      const pods = await podsOf(namespace, "app.kubernetes.io/instance=shelf");
      expect(pods).toHaveLength(2);
      for (const pod of pods) {
        expect(pod.spec.nodeName).toBe("kwok-node-0");
        expect(pod.status.phase).toBe("Running");
        expect(ready(pod)).toBe(true);
      }
      const releases = JSON.parse(await helm(binary, ["list", "-n", namespace, "-o", "json"], env)) as {
        name: string;
        status: string;
      }[];
      expect(releases).toMatchObject([{ name: "shelf", status: "deployed" }]);
    },
  );

  it("plays a crashing container for pods labelled charthouse.test/kwok=crash: scheduled, never Ready", async () => {
    await cluster.kubectl(["create", "namespace", "crash"]);
    await cluster.kubectl([
      "run",
      "broken",
      "-n",
      "crash",
      "--image",
      "localhost/none",
      "--labels",
      "charthouse.test/kwok=crash,probe=broken",
    ]);
    await cluster.kubectl([
      "wait",
      "pod/broken",
      "-n",
      "crash",
      "--for",
      "jsonpath={.status.phase}=Running",
      "--timeout",
      "30s",
    ]);
    const [pod] = await podsOf("crash", "probe=broken");
    expect(pod!.spec.nodeName).toBe("kwok-node-0");
    expect(ready(pod!)).toBe(false);
    const status = JSON.parse(
      await cluster.kubectl([
        "get",
        "pod",
        "broken",
        "-n",
        "crash",
        "-o",
        "jsonpath={.status.containerStatuses[0].state}",
      ]),
    );
    expect(status.waiting.reason).toBe("CrashLoopBackOff");
  });
});
