import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { requireTool } from "../../../src/exec/tools.js";
import { runProcess } from "../../../src/exec/run-process.js";
import { builtTool } from "../built-tools.js";
import { NODE_HOST_IP, type ControlPlane } from "./control-plane.js";
import { startDaemon, type Daemon } from "./daemon.js";
import { kubeconfigYaml } from "./kubeconfig.js";
import { NODE_IMAGES, nodeImageArchives } from "./node-images.js";

/** A real Kubernetes node: kubelet, kube-proxy and containerd in namespaces of their own. */
export interface KubeNode {
  readonly name: string;
  /** Its files on the host: configs, each daemon's log, the containerd socket. */
  readonly dir: string;
  /** Milliseconds from the namespace's start to the node Ready. */
  readonly readyInMs: number;
  /** Loads an image archive (an OCI layout or `docker save` tar) into the node's containerd (`ctr images import`). */
  importImage(archive: string): Promise<void>;
  /** The last lines of a daemon's log (`kubelet`, `containerd`, `kube-proxy`, `egress-proxy`, `init`). */
  logTail(daemon: string, lines?: number): string;
  stop(): Promise<void>;
}

/** The pod network of the node's CNI bridge; the Service range is the API server's 10.96.0.0/16. */
export const POD_SUBNET = "10.244.0.0/24";
/** The node's address in its namespace (slirp4netns' default guest address). */
export const NODE_IP = "10.0.2.100";

const INIT = fileURLToPath(new URL("node-init.sh", import.meta.url));
const EGRESS_PROXY = fileURLToPath(new URL("egress-proxy.mjs", import.meta.url));
// test/kit/cluster here, dist/test/kit/cluster when compiled (the demo): the scripts are in the source tree.
const script = (path: string) =>
  existsSync(path) ? path : path.replace(/\/dist\/test\/kit\/cluster\//, "/test/kit/cluster/");

/**
 * Joins a real node to `cluster` (started with `realNode`), the way ../shared/KUBELET-NODE.md
 * describes: Debian's containerd (CRI, runc, cgroupfs), kubelet and kube-proxy built by
 * scripts/tools, in fresh mount, network, pid and UTS namespaces (test/kit/cluster/node-init.sh)
 * whose root is an overlay of the host's / with a tmpfs on top, networked by slirp4netns: the
 * node is 10.0.2.100 and reaches the host's loopback at 10.0.2.2. Its pods live in a cgroup
 * subtree of their own. The host's network, iptables and kernel settings are never touched.
 *
 * `mirrors` maps a registry host to the endpoint the node's containerd pulls from instead
 * (`{ "10.0.2.2:5000": "http://10.0.2.2:5000" }` for a plain-HTTP test registry).
 * stop() kills the namespace's pid 1 (and with it every process inside), then removes its cgroups.
 */
export async function startNode(
  cluster: ControlPlane,
  opts: { name?: string; mirrors?: Readonly<Record<string, string>> } = {},
): Promise<KubeNode> {
  if (!cluster.nodeDir) throw new Error("startNode needs a control plane started with { realNode: true }");
  const bins = { kubelet: builtTool("kubernetes", "kubelet"), kubeProxy: builtTool("kubernetes", "kube-proxy") };
  for (const tool of ["containerd", "containerd-shim-runc-v2", "runc", "slirp4netns", "iptables", "unshare", "ctr"])
    requireTool(tool);
  if (!existsSync("/usr/lib/cni/bridge"))
    throw new Error("the CNI plugins are missing: apt-get install containernetworking-plugins (bash .ci/run does)");
  const name = opts.name ?? "charthouse-node";
  const dir = cluster.nodeDir;
  const cgroupRoot = `charthouse-node-${process.pid}-${Date.now().toString(36)}`;
  const server = cluster.server.replace("127.0.0.1", NODE_HOST_IP);
  const daemons: Daemon[] = [];
  let nsPid: number | undefined;

  const stop = async () => {
    // SIGKILL to the namespace's pid 1 ends every process in it; its mounts go with the namespace.
    if (nsPid) process.kill(nsPid, "SIGKILL");
    for (const daemon of daemons.reverse()) await daemon.stop();
    removeCgroups(cgroupRoot);
  };
  try {
    const kubeletCert = await cluster.pki.clientCertificate(`node-${name}`, `/O=system:nodes/CN=system:node:${name}`);
    const proxyCert = await cluster.pki.clientCertificate("kube-proxy", "/CN=system:kube-proxy");
    const kubeconfig = (file: string, cert: { cert: string; key: string }) =>
      writeFileSync(
        join(dir, file),
        kubeconfigYaml({ server, caFile: cluster.pki.caCert, credentials: { kind: "certificate", ...cert } }),
      );
    kubeconfig("kubelet.kubeconfig", kubeletCert);
    kubeconfig("kube-proxy.kubeconfig", proxyCert);
    mkdirSync(join(dir, "cni"), { recursive: true });
    writeFileSync(join(dir, "cni", "10-charthouse.conflist"), cniConfig());
    writeFileSync(join(dir, "containerd.toml"), containerdConfig(dir, opts.mirrors ?? {}));
    writeFileSync(join(dir, "kubelet.yaml"), kubeletConfig(dir, cluster.pki.caCert, cgroupRoot));
    writeFileSync(join(dir, "kube-proxy.yaml"), kubeProxyConfig(dir, name));
    // No cluster DNS: the pods get this resolver, slirp4netns' (which forwards to the host's).
    writeFileSync(join(dir, "resolv.conf"), "nameserver 10.0.2.3\n");
    makeCgroups(cgroupRoot);

    const started = Date.now();
    const env = {
      PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      NODE_DIR: dir,
      NODE_NAME: name,
      KUBELET: bins.kubelet,
      KUBE_PROXY: bins.kubeProxy,
      NODE_JS: process.execPath,
      EGRESS_PROXY: script(EGRESS_PROXY),
    };
    const args = ["--mount", "--net", "--pid", "--uts", "--fork", "--propagation", "private", "--kill-child=SIGKILL"];
    const ns = startDaemon("node", "unshare", [...args, "sh", script(INIT)], join(dir, "init.log"), env);
    daemons.push(ns);
    await until("the node's namespace", 10_000, () => {
      if (ns.exited()) throw new Error("unshare exited");
      const children = readFileSync(`/proc/${ns.pid}/task/${ns.pid}/children`, "utf8").trim();
      if (children) nsPid = Number(children.split(" ")[0]);
      return nsPid !== undefined;
    });
    daemons.push(
      startDaemon(
        "slirp4netns",
        "slirp4netns",
        ["--configure", "--mtu", "65520", String(nsPid), "tap0"],
        join(dir, "slirp4netns.log"),
      ),
    );
    const socket = join(dir, "containerd.sock");
    await until("the node's containerd", 30_000, () => {
      if (ns.exited()) throw new Error("the node's init exited");
      return existsSync(socket);
    });
    const importImage = async (archive: string) => {
      const result = await runProcess("ctr", ["--address", socket, "-n", "k8s.io", "images", "import", archive]);
      if (result.code !== 0) throw new Error(`ctr images import ${archive}: ${result.output.trim()}`);
    };
    for (const archive of nodeImageArchives(dir)) await importImage(archive);
    await until(`node ${name} Ready`, 90_000, async () => {
      if (ns.exited()) throw new Error("the node's init exited");
      const out = await cluster
        .kubectl(["get", "node", name, "-o", 'jsonpath={.status.conditions[?(@.type=="Ready")].status}'])
        .catch(() => "");
      return out.trim() === "True";
    });
    const readyInMs = Date.now() - started;
    const logTail = (daemon: string, lines = 30) => tail(join(dir, `${daemon}.log`), lines);
    return { name, dir, readyInMs, importImage, logTail, stop };
  } catch (error) {
    const logs = ["init", "containerd", "kubelet", "kube-proxy", "slirp4netns"]
      .map((d) => `--- ${d}:\n${tail(join(dir, `${d}.log`), 15)}`)
      .join("\n");
    await stop();
    throw new Error(`starting the node failed: ${(error as Error).message}\n${logs}`);
  }
}

/** Polls `check` until it says true; an error it throws (a daemon that exited) ends the wait at once. */
async function until(what: string, timeoutMs: number, check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not become ready within ${timeoutMs / 1000}s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function tail(path: string, lines: number): string {
  try {
    return readFileSync(path, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

/**
 * The node's cgroup subtree in every hierarchy (cgroup v1: one per controller, cpuset given
 * its parent's cpus and mems; v2: one), so kubelet's `cgroupRoot` holds every pod, and
 * cleanup is one sweep.
 */
function cgroupDirs(root: string): string[] {
  const base = "/sys/fs/cgroup";
  if (existsSync(join(base, "cgroup.controllers"))) return [join(base, root)];
  return readdirSync(base)
    .filter((h) => statSync(join(base, h)).isDirectory() && !h.includes(","))
    .map((h) => join(base, h, root));
}

function makeCgroups(root: string): void {
  for (const dir of cgroupDirs(root)) {
    mkdirSync(dir, { recursive: true });
    for (const file of ["cpuset.cpus", "cpuset.mems"]) {
      const parent = join(dir, "..", file);
      if (existsSync(parent)) writeFileSync(join(dir, file), readFileSync(parent, "utf8"));
    }
  }
}

/** Removes the subtree depth first; a cgroup whose last process is still exiting is retried briefly. */
function removeCgroups(root: string): void {
  const sweep = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true }))
      if (entry.isDirectory()) sweep(join(dir, entry.name));
    rmdirSync(dir);
  };
  for (const dir of cgroupDirs(root)) {
    for (let attempt = 0; ; attempt++) {
      try {
        sweep(dir);
        break;
      } catch (error) {
        if (attempt >= 50) throw error;
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
      }
    }
  }
}

function cniConfig(): string {
  return JSON.stringify(
    {
      cniVersion: "0.4.0",
      name: "charthouse",
      plugins: [
        {
          type: "bridge",
          bridge: "cni0",
          isGateway: true,
          ipMasq: true,
          hairpinMode: true,
          ipam: { type: "host-local", ranges: [[{ subnet: POD_SUBNET }]], routes: [{ dst: "0.0.0.0/0" }] },
        },
        { type: "portmap", capabilities: { portMappings: true } },
      ],
    },
    null,
    2,
  );
}

function containerdConfig(dir: string, mirrors: Readonly<Record<string, string>>): string {
  const cri = 'plugins."io.containerd.grpc.v1.cri"';
  const mirrorTables = Object.entries(mirrors)
    .map(([host, endpoint]) => `[${cri}.registry.mirrors."${host}"]\n  endpoint = ["${endpoint}"]\n`)
    .join("");
  return `version = 2
root = "/var/lib/containerd"
state = "/run/containerd"
disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs",
  "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs",
  "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]

[grpc]
  address = "${dir}/containerd.sock"

[${cri}]
  sandbox_image = "${NODE_IMAGES.pause}"
  # This machine kind lacks CAP_SYS_RESOURCE: without it every sandbox fails in runc create.
  restrict_oom_score_adj = true

[${cri}.containerd]
  snapshotter = "overlayfs"
  default_runtime_name = "runc"

[${cri}.containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"

[${cri}.containerd.runtimes.runc.options]
  SystemdCgroup = false

[${cri}.cni]
  bin_dir = "/usr/lib/cni"
  conf_dir = "${dir}/cni"

${mirrorTables}`;
}

function kubeletConfig(dir: string, caCert: string, cgroupRoot: string): string {
  return `apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
containerRuntimeEndpoint: unix://${dir}/containerd.sock
cgroupDriver: cgroupfs
cgroupRoot: /${cgroupRoot}
failSwapOn: false
# Only checked: node-init.sh shows kubelet the values it expects, in the node's namespace.
protectKernelDefaults: true
authentication:
  anonymous: { enabled: false }
  webhook: { enabled: true }
  x509: { clientCAFile: ${caCert} }
authorization: { mode: Webhook }
address: 0.0.0.0
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
resolvConf: ${dir}/resolv.conf
maxPods: 30
serializeImagePulls: false
evictionHard: { memory.available: 100Mi, nodefs.available: 1%, imagefs.available: 1%, nodefs.inodesFree: 1% }
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
`;
}

function kubeProxyConfig(dir: string, name: string): string {
  return `apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
hostnameOverride: ${name}
clientConnection: { kubeconfig: ${dir}/kube-proxy.kubeconfig }
clusterCIDR: 10.244.0.0/16
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
# Global kernel settings are never changed from the node's namespace.
conntrack: { maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s }
iptables: { masqueradeAll: true }
`;
}
