// `npm run demo -- --updater`: the pull model end to end, as a person watches it on a cluster.
// A real control plane (etcd, kube-apiserver, controller-manager, scheduler) starts on loopback
// and a real node joins it (kubelet, containerd, kube-proxy in namespaces of their own:
// test/kit/cluster/node.ts); charthouse's own image is built on the Docker engine and loaded
// into the node. The updater chart is installed with the Role charthouse derives; nightlies
// of a small chart (busybox httpd pods) are published to a registry that needs a login (the
// signature checks are test/integration/updater/in-pod.test.ts's); the CronJob fires, and
// its pod runs `charthouse sync` with the cluster's own credentials. The demo runs nothing in
// the pod's place: it shows what kubectl shows.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../src/cli/program.js";
import { NODE_HOST_IP, startControlPlane, type ControlPlane } from "../test/kit/cluster/control-plane.js";
import { clusterEnv, helm, HELM4, publishChart } from "../test/kit/cluster/helm.js";
import { runJobNow, jobOutcome, watchScheduledJobs, type JobOutcome } from "../test/kit/cluster/jobs.js";
import { startNode, type KubeNode } from "../test/kit/cluster/node.js";
import { buildUpdaterImage, UPDATER_IMAGE } from "../test/kit/cluster/updater-image.js";
import { ensureDockerEngine, startRegistry, type LocalRegistry } from "../test/kit/index.js";

const ROOT = new URL("../..", import.meta.url).pathname;
const LANTERN = join(ROOT, "test/fixtures/charts/lantern");
const UPDATER = join(ROOT, "deploy/updater");
const ACCOUNT = "updater-charthouse-updater";
const NEVER = "0 0 1 1 *";
const say = (text: string) => process.stdout.write(`\x1b[1mdemo:\x1b[0m ${text}\n`);
const show = (text: string) => process.stdout.write(`${text.trimEnd().replace(/^/gm, "    ")}\n`);
const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

/** A nightly version `daysAgo` days before today (UTC). */
function nightly(daysAgo: number): string {
  const day = new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10).replaceAll("-", "");
  return `1.1.0-nightly.${day}`;
}

export async function runUpdaterDemo(): Promise<number> {
  const work = mkdtempSync(join(tmpdir(), "charthouse-updater-demo-"));
  const user = { username: "updater", password: randomBytes(12).toString("hex") };
  let cluster: ControlPlane | undefined;
  let node: KubeNode | undefined;
  let registry: LocalRegistry | undefined;
  try {
    say("starting a Kubernetes control plane on 127.0.0.1 (etcd, kube-apiserver, controller-manager, scheduler) …");
    let started = Date.now();
    [cluster, registry] = await Promise.all([
      startControlPlane({ nodes: 0, realNode: true }),
      startRegistry({ kind: "htpasswd", users: { [user.username]: user.password } }),
    ]);
    say(`control plane up in ${seconds(started)}; a registry that needs a login at ${registry.host}`);
    say("joining a real node: containerd, kubelet and kube-proxy in namespaces of their own, networked by slirp4netns");
    started = Date.now();
    const engine = await ensureDockerEngine();
    const archive = join(work, "updater-image.tar");
    [node] = await Promise.all([startNode(cluster), buildUpdaterImage(engine.host, archive)]);
    await node.importImage(archive);
    say(`node Ready in ${(node.readyInMs / 1000).toFixed(1)} s; charthouse's image built and loaded into it:`);
    show(await cluster.kubectl(["get", "nodes", "-o", "wide"]));

    const admin = clusterEnv(cluster.kubeconfig, join(work, "admin"));
    const onHost = `${registry.host}/charts/lantern`;
    const inPod = `${registry.host.replace("127.0.0.1", NODE_HOST_IP)}/charts/lantern`;
    const publish = async (version: string) => {
      const digest = await publishChart(LANTERN, onHost, version, { login: user });
      say(`published lantern ${version} (${digest.slice(0, 19)}…)`);
    };

    say("deriving the updater's Role from the kinds the chart renders: charthouse updater-role");
    let stdout = "";
    const code = await runCli(["updater-role", "--chart", LANTERN, "--release", "lantern", "--namespace", "shop"], {
      stdout: (t) => void (stdout += t),
      stderr: (t) => void process.stderr.write(t),
      env: admin,
      cwd: ROOT,
      now: () => new Date(),
    });
    if (code !== 0) throw new Error("charthouse updater-role failed");
    writeFileSync(join(work, "role.yaml"), stdout);
    show(stdout);

    await cluster.kubectl(["create", "namespace", "shop"]);
    await cluster.kubectl(["create", "namespace", "ops"]);
    await cluster.kubectl(["label", "namespace", "ops", "pod-security.kubernetes.io/enforce=restricted"]);
    await cluster.kubectl(
      ["apply", "-f", "-"],
      JSON.stringify({
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "registry-read", namespace: "ops" },
        stringData: user,
      }),
    );
    await publish(nightly(1));
    say(
      "installing the updater chart in namespace ops (Pod Security: restricted), following release lantern in " +
        "shop on the nightly channel, every minute, with the registry login from Secret registry-read",
    );
    // prettier-ignore
    const sets = [
      `image.repository=${UPDATER_IMAGE.repository}`, `image.tag=${UPDATER_IMAGE.tag}`, "image.pullPolicy=Never",
      "schedule=* * * * *", `target.chart=oci://${inPod}`, "target.release=lantern", "target.namespace=shop",
      "target.policy=nightly", "target.timeout=60s", "target.plainHttp=true", "registrySecret=registry-read",
    ];
    const jobs = await watchScheduledJobs(cluster, "ops");
    await helm(
      HELM4,
      [
        ...["install", "updater", UPDATER, "--namespace", "ops", "-f", join(work, "role.yaml")],
        ...sets.flatMap((s) => ["--set", s]),
      ],
      admin,
    );
    show(await cluster.kubectl(["get", "cronjob", "-n", "ops"]));

    const watch = async (job: JobOutcome) => {
      say(`Job ${job.name} on ${job.nodeName}: ${job.succeeded ? "Complete" : "Failed"}, exit ${job.exitCode}`);
      say(`kubectl logs job/${job.name} -n ops:`);
      show(job.log);
    };
    say("waiting for the CronJob to fire on its schedule (within a minute) …");
    started = Date.now();
    const first = await jobs.next(150_000);
    say(`the CronJob made Job ${first} after ${seconds(started)}`);
    await helm(
      HELM4,
      ["upgrade", "updater", UPDATER, "-n", "ops", "--reuse-values", "--set", `schedule=${NEVER}`],
      admin,
    );
    await watch(await jobOutcome(cluster, "ops", first));
    show(await cluster.kubectl(["get", "pods", "-n", "shop", "-L", "app.kubernetes.io/version"]));

    await publish(nightly(0));
    say("kubectl create job sync-now --from=cronjob/updater-charthouse-updater -n ops");
    await watch(await runJobNow(cluster, "ops", ACCOUNT, "sync-now"));
    say("the release's pods, Running and Ready at the new version:");
    show(await cluster.kubectl(["get", "pods", "-n", "shop", "-o", "wide", "-L", "app.kubernetes.io/version"]));

    await publish(nightly(2));
    say("an older nightly republished; kubectl create job sync-older --from=cronjob/… -n ops");
    const older = await runJobNow(cluster, "ops", ACCOUNT, "sync-older");
    await watch(older);
    if (!older.log.includes("up-to-date:")) throw new Error("expected the pod to refuse the older nightly");
    say("the release's history, as the cluster holds it:");
    show(await helm(HELM4, ["history", "lantern", "--namespace", "shop"], admin));
    return 0;
  } catch (error) {
    say(`failed: ${(error as Error).message}`);
    return 1;
  } finally {
    say("cleaning up: node, control plane and registry stopped, their files removed");
    await node?.stop();
    await Promise.all([cluster?.stop(), registry?.stop()]);
    rmSync(work, { recursive: true, force: true });
  }
}
