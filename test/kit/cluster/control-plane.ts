import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { kubectlBinary } from "../../../src/exec/index.js";
import { runProcess } from "../../../src/exec/run-process.js";
import { builtTool } from "../built-tools.js";
import { freePort, waitFor } from "../free-port.js";
import { makeClusterPki, type ClusterPki } from "./certificates.js";
import { startDaemon, type Daemon } from "./daemon.js";
import { kubeconfigYaml } from "./kubeconfig.js";
import { KWOK_STAGES } from "./kwok-stages.js";

/** A real Kubernetes control plane on loopback: etcd, kube-apiserver, controller-manager, scheduler, kwok nodes. */
export interface ControlPlane {
  /** `https://127.0.0.1:PORT` */
  readonly server: string;
  readonly dir: string;
  readonly pki: ClusterPki;
  /** The admin's kubeconfig (system:masters): what the tests set up the cluster with. */
  readonly kubeconfig: string;
  /** The names of the kwok nodes pods are scheduled on. */
  readonly nodes: readonly string[];
  /**
   * Where a real node (test/kit/cluster/node.ts) keeps its files: the API server's egress
   * socket to the node's kubelet is here. Set only when started with `realNode`.
   */
  readonly nodeDir?: string;
  /** kubectl as the admin; rejects with kubectl's output when it fails. */
  kubectl(args: readonly string[], input?: string): Promise<string>;
  /**
   * A kubeconfig shaped like a pod's in-cluster config (server, CA, token) for the
   * service account `namespace/name`, its token issued by the TokenRequest API.
   */
  serviceAccountKubeconfig(namespace: string, name: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Starts a control plane from the binaries `.ci/run` builds (scripts/tools): etcd, then
 * kube-apiserver with RBAC and service-account tokens, then the controller-manager (Jobs
 * from CronJobs, ReplicaSets, service accounts), the scheduler and kwok, which plays the
 * kubelet of `nodes` fake nodes (those annotated as its own, nothing else): pods are
 * scheduled and said to run, but no container runs. Everything lives in one temp dir on
 * free loopback ports; stop() removes it.
 *
 * With `realNode`, the API server is ready for a real node in its own network namespace
 * (startNode): it advertises 10.0.2.2 (the host's loopback as slirp4netns shows it to the
 * node, so the `kubernetes` Service leads here), reaches kubelets by their InternalIP with a
 * client certificate, and sends that traffic through an egress socket in `nodeDir`, where
 * the node's proxy listens: it could not reach into the node's namespace otherwise.
 */
export async function startControlPlane(opts: { nodes?: number; realNode?: boolean } = {}): Promise<ControlPlane> {
  const kwokNodes = opts.nodes ?? 1;
  const bins = {
    etcd: builtTool("etcd", "etcd"),
    apiserver: builtTool("kubernetes", "kube-apiserver"),
    controllerManager: builtTool("kubernetes", "kube-controller-manager"),
    scheduler: builtTool("kubernetes", "kube-scheduler"),
    // No kwok nodes, no kwok: a suite with only a real node needs none.
    kwok: kwokNodes > 0 ? builtTool("kwok", "kwok") : undefined,
  };
  const dir = mkdtempSync(join(tmpdir(), "charthouse-cluster-"));
  const daemons: Daemon[] = [];
  const stop = async () => {
    for (const daemon of daemons.reverse()) await daemon.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const pki = await makeClusterPki(dir);
    const stages = join(dir, "kwok-stages.yaml");
    writeFileSync(stages, KWOK_STAGES);
    const [etcdPort, peerPort, apiPort] = [await freePort(), await freePort(), await freePort()];
    const nodeDir = opts.realNode ? join(dir, "node") : undefined;
    const nodeFlags: string[] = [];
    if (nodeDir) {
      mkdirSync(nodeDir);
      const egress = join(dir, "egress-selector.yaml");
      writeFileSync(egress, egressSelector(join(nodeDir, "egress.sock")));
      nodeFlags.push(
        "--kubelet-preferred-address-types",
        "InternalIP",
        "--kubelet-client-certificate",
        pki.adminCert,
        "--kubelet-client-key",
        pki.adminKey,
        "--egress-selector-config-file",
        egress,
      );
    }
    const etcdUrl = `http://127.0.0.1:${etcdPort}`;
    daemons.push(
      startDaemon(
        "etcd",
        bins.etcd,
        [
          "--name",
          "charthouse",
          "--data-dir",
          join(dir, "etcd"),
          "--listen-client-urls",
          etcdUrl,
          "--advertise-client-urls",
          etcdUrl,
          "--listen-peer-urls",
          `http://127.0.0.1:${peerPort}`,
          "--initial-advertise-peer-urls",
          `http://127.0.0.1:${peerPort}`,
          "--initial-cluster",
          `charthouse=http://127.0.0.1:${peerPort}`,
          // A throwaway store: durability buys nothing and costs seconds on a busy disk.
          "--unsafe-no-fsync",
          "--log-level",
          "warn",
        ],
        join(dir, "etcd.log"),
      ),
    );
    await waitUp(
      daemons[0]!,
      "etcd",
      async () => ((await (await fetch(`${etcdUrl}/health`)).json()) as { health: string }).health === "true",
    );

    const server = `https://127.0.0.1:${apiPort}`;
    daemons.push(
      startDaemon(
        "kube-apiserver",
        bins.apiserver,
        [
          "--etcd-servers",
          etcdUrl,
          "--bind-address",
          "127.0.0.1",
          "--advertise-address",
          nodeDir ? NODE_HOST_IP : "127.0.0.1",
          "--secure-port",
          String(apiPort),
          "--tls-cert-file",
          pki.serverCert,
          "--tls-private-key-file",
          pki.serverKey,
          "--client-ca-file",
          pki.caCert,
          // RBAC is what makes `kubectl auth can-i` and the updater's Role mean something.
          "--authorization-mode",
          "Node,RBAC",
          "--service-account-issuer",
          "https://kubernetes.default.svc.cluster.local",
          "--service-account-key-file",
          pki.serviceAccountPub,
          "--service-account-signing-key-file",
          pki.serviceAccountKey,
          "--service-cluster-ip-range",
          "10.96.0.0/16",
          "--cert-dir",
          join(dir, "apiserver-certs"),
          "--enable-priority-and-fairness=false",
          "--profiling=false",
          "--v=1",
          ...nodeFlags,
        ],
        join(dir, "kube-apiserver.log"),
      ),
    );
    const admin = join(dir, "admin.kubeconfig");
    writeFileSync(
      admin,
      kubeconfigYaml({
        server,
        caFile: pki.caCert,
        credentials: { kind: "certificate", cert: pki.adminCert, key: pki.adminKey },
      }),
    );
    await waitUp(daemons[1]!, "kube-apiserver", () => readyz(server, pki), 90_000);

    const common = ["--kubeconfig", admin, "--leader-elect=false", "--bind-address", "127.0.0.1", "--v=1"];
    daemons.push(
      startDaemon(
        "kube-controller-manager",
        bins.controllerManager,
        [
          ...common,
          "--secure-port",
          String(await freePort()),
          "--service-account-private-key-file",
          pki.serviceAccountKey,
          "--root-ca-file",
          pki.caCert,
          "--cluster-signing-cert-file",
          pki.caCert,
          "--cluster-signing-key-file",
          pki.caKey,
          // On a loaded machine kwok's heartbeats can lag past the default 50 s; the node-lifecycle
          // controller would then mark the node NotReady and every pod on it not Ready, stalling a
          // Deployment's rollout (seen as an --atomic rollback timing out). The controller itself
          // stays: it lifts the not-ready taint the API server puts on a new node.
          "--node-monitor-grace-period",
          "1h",
        ],
        join(dir, "kube-controller-manager.log"),
      ),
      startDaemon(
        "kube-scheduler",
        bins.scheduler,
        [...common, "--secure-port", String(await freePort())],
        join(dir, "kube-scheduler.log"),
      ),
    );
    if (bins.kwok)
      daemons.push(
        startDaemon(
          "kwok",
          bins.kwok,
          [
            "--kubeconfig",
            admin,
            // Only its own nodes (not --manage-all-nodes): a real node beside them is the kubelet's.
            "--manage-nodes-with-annotation-selector",
            "kwok.x-k8s.io/node=fake",
            "--config",
            stages,
            "--cidr",
            "10.244.0.1/16",
            "--node-ip",
            "10.1.0.1",
          ],
          join(dir, "kwok.log"),
        ),
      );

    const kubectl = async (args: readonly string[], input?: string) => {
      const result = await runProcess(kubectlBinary(), ["--kubeconfig", admin, ...args], { input });
      if (result.code !== 0) throw new Error(`kubectl ${args.join(" ")}: ${result.output.trim()}`);
      return result.stdout;
    };
    const nodes = Array.from({ length: kwokNodes }, (_, i) => `kwok-node-${i}`);
    const kwok = daemons[4];
    if (kwok) {
      await kubectl(["apply", "-f", "-"], nodes.map(nodeManifest).join("---\n"));
      await waitUp(
        kwok,
        "the kwok nodes",
        async () => {
          const ready = await kubectl([
            "get",
            "nodes",
            "-o",
            'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}',
          ]);
          return ready.split("\n").filter((s) => s === "True").length === nodes.length;
        },
        60_000,
      );
    }
    // Pods can be created only once the service-account controller made a namespace's `default` account.
    await waitUp(
      daemons[2]!,
      "the controller-manager",
      async () => (await kubectl(["get", "serviceaccount", "default", "-n", "default", "-o", "name"])).trim() !== "",
      60_000,
    );

    const accounts = join(dir, "accounts");
    mkdirSync(accounts);
    return {
      server,
      dir,
      pki,
      kubeconfig: admin,
      nodes,
      nodeDir,
      kubectl,
      async serviceAccountKubeconfig(namespace, name) {
        const token = (await kubectl(["create", "token", name, "--namespace", namespace, "--duration", "1h"])).trim();
        const path = join(accounts, `${namespace}.${name}.kubeconfig`);
        writeFileSync(
          path,
          kubeconfigYaml({ server, caFile: pki.caCert, credentials: { kind: "token", token }, namespace }),
          { mode: 0o600 },
        );
        return path;
      },
      stop,
    };
  } catch (error) {
    const logs = daemons.map((d) => `--- ${d.name} (${d.log}):\n${tail(d.log)}`).join("\n");
    await stop();
    throw new Error(`starting the control plane failed: ${(error as Error).message}\n${logs}`);
  }
}

/** The host's loopback as a real node's namespace reaches it (slirp4netns' gateway). */
export const NODE_HOST_IP = "10.0.2.2";

/** The API server's cluster egress (to kubelets: logs, exec) as HTTP CONNECT over the node's unix socket. */
function egressSelector(socket: string): string {
  return `apiVersion: apiserver.k8s.io/v1beta1
kind: EgressSelectorConfiguration
egressSelections:
  - name: cluster
    connection:
      proxyProtocol: HTTPConnect
      transport:
        uds:
          udsName: ${socket}
`;
}

function nodeManifest(name: string): string {
  return `apiVersion: v1
kind: Node
metadata:
  name: ${name}
  labels: { kubernetes.io/hostname: ${name}, kubernetes.io/os: linux, type: kwok }
  annotations: { kwok.x-k8s.io/node: fake }
status:
  allocatable: { cpu: "32", memory: 256Gi, pods: "110" }
  capacity: { cpu: "32", memory: 256Gi, pods: "110" }
`;
}

async function waitUp(daemon: Daemon, what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  await waitFor(
    what,
    async () => {
      if (daemon.exited()) throw new Error(`${daemon.name} exited`);
      return check();
    },
    timeoutMs,
    250,
  );
  if (daemon.exited()) throw new Error(`${daemon.name} exited during start-up`);
}

function readyz(server: string, pki: ClusterPki): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(
      `${server}/readyz`,
      {
        ca: readFileSync(pki.caCert),
        cert: readFileSync(pki.adminCert),
        key: readFileSync(pki.adminKey),
        timeout: 5000,
      },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    req.on("error", () => resolve(false));
    req.on("timeout", () => req.destroy());
    req.end();
  });
}

function tail(path: string): string {
  try {
    return readFileSync(path, "utf8").split("\n").slice(-15).join("\n");
  } catch {
    return "(no log)";
  }
}
