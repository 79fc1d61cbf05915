// `npm run demo -- --updater`: the pull model end to end on a local control plane. A real
// kube-apiserver (with etcd, controller-manager, scheduler) and a kwok node start on
// loopback; the updater chart is installed with the Role charthouse derives; nightlies of a
// small chart are published to a throwaway registry and the CronJob's sync upgrades to the
// newest, then refuses an older one republished. kwok runs no container: the CronJob's Job
// gets its pod scheduled, and the demo runs that pod's command (charthouse sync with the
// Job's own arguments) with the Job's ServiceAccount token, as the pod would.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../src/cli/program.js";
import { startControlPlane, type ControlPlane } from "../test/kit/cluster/control-plane.js";
import { clusterEnv, helm, HELM4, publishChart } from "../test/kit/cluster/helm.js";
import { startRegistry, type LocalRegistry } from "../test/kit/index.js";

const ROOT = new URL("../..", import.meta.url).pathname;
const SHELF = join(ROOT, "test/fixtures/charts/shelf");
const UPDATER = join(ROOT, "deploy/updater");
const ACCOUNT = "updater-charthouse-updater";
const say = (text: string) => process.stdout.write(`\x1b[1mdemo:\x1b[0m ${text}\n`);
const show = (text: string) => process.stdout.write(`${text.trimEnd().replace(/^/gm, "    ")}\n`);

/** A nightly version `daysAgo` days before today (UTC). */
function nightly(daysAgo: number): string {
  const day = new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10).replaceAll("-", "");
  return `1.1.0-nightly.${day}`;
}

async function charthouse(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(args, {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    env,
    cwd: ROOT,
    now: () => new Date(),
  });
  return { code, stdout, stderr };
}

export async function runUpdaterDemo(): Promise<number> {
  const work = mkdtempSync(join(tmpdir(), "charthouse-updater-demo-"));
  let cluster: ControlPlane | undefined;
  let registry: LocalRegistry | undefined;
  try {
    say(
      "starting a Kubernetes control plane on 127.0.0.1: etcd, kube-apiserver, controller-manager, scheduler, one " +
        "kwok node …",
    );
    const started = Date.now();
    [cluster, registry] = await Promise.all([startControlPlane(), startRegistry()]);
    say(
      `control plane up in ${((Date.now() - started) / 1000).toFixed(1)} s at ${cluster.server} (node ` +
        `${cluster.nodes.join(", ")}: kwok runs no container); registry at ${registry.host}`,
    );
    const admin = clusterEnv(cluster.kubeconfig, join(work, "admin"));
    const chart = `${registry.host}/charts/shelf`;

    say(`publishing nightly ${nightly(1)} of the chart shelf to oci://${chart}`);
    await publishChart(SHELF, chart, nightly(1));

    say("deriving the updater's Role from the kinds the chart renders: charthouse updater-role");
    const role = await charthouse(
      ["updater-role", "--chart", SHELF, "--release", "shelf", "--namespace", "shop"],
      admin,
    );
    if (role.code !== 0) throw new Error(role.stderr);
    show(role.stdout);
    writeFileSync(join(work, "role.yaml"), role.stdout);

    say(
      "installing the updater chart (deploy/updater) in namespace ops, following release shelf in namespace shop on " +
        "the nightly channel",
    );
    await cluster.kubectl(["create", "namespace", "ops"]);
    await cluster.kubectl(["create", "namespace", "shop"]);
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
        "target.namespace=shop",
        "--set",
        `target.chart=oci://${chart}`,
        "--set",
        "target.release=shelf",
        "--set",
        "target.policy=nightly",
        "--set",
        "target.timeout=60s",
      ],
      admin,
    );
    show(await cluster.kubectl(["get", "cronjob,serviceaccount", "-n", "ops"]));

    const kubeconfig = await cluster.serviceAccountKubeconfig("ops", ACCOUNT);
    const asUpdater = clusterEnv(kubeconfig, join(work, "updater"));
    let run = 0;
    const cronRun = async (): Promise<string> => {
      const job = `sync-${++run}`;
      await cluster!.kubectl(["create", "job", job, "--from", `cronjob/${ACCOUNT}`, "--namespace", "ops"]);
      await cluster!.kubectl([
        "wait",
        "pod",
        "-l",
        `job-name=${job}`,
        "-n",
        "ops",
        "--for",
        "condition=PodScheduled",
        "--timeout",
        "60s",
      ]);
      const pod = JSON.parse(await cluster!.kubectl(["get", "pod", "-l", `job-name=${job}`, "-n", "ops", "-o", "json"]))
        .items[0];
      const args = pod.spec.containers[0].args as string[];
      say(
        `the CronJob's Job ${job}: pod ${pod.metadata.name} scheduled on ${pod.spec.nodeName}; running its command ` +
          `as ServiceAccount ${ACCOUNT}:`,
      );
      show(`$ charthouse ${args.join(" ")}`);
      const result = await charthouse(args, asUpdater);
      show(`${result.stdout}(exit ${result.code})`);
      return result.stdout;
    };

    say("first run: release shelf is absent, so sync installs the newest nightly");
    await cronRun();

    say(`publishing a newer nightly, ${nightly(0)}`);
    await publishChart(SHELF, chart, nightly(0));
    say("next run: sync upgrades to it, pinned by digest");
    await cronRun();

    say(`republishing an older nightly, ${nightly(2)}`);
    await publishChart(SHELF, chart, nightly(2));
    say("next run: it is older than what runs, so sync refuses it as a downgrade and stays");
    const last = await cronRun();
    if (!last.startsWith("up-to-date:")) throw new Error(`expected sync to stay put, it said: ${last}`);

    say("the release's history, as the cluster holds it:");
    show(await helm(HELM4, ["history", "shelf", "--namespace", "shop"], admin));
    return 0;
  } catch (error) {
    say(`failed: ${(error as Error).message}`);
    return 1;
  } finally {
    say("cleaning up: control plane and registry stopped, their files removed");
    await Promise.all([cluster?.stop(), registry?.stop()]);
    rmSync(work, { recursive: true, force: true });
  }
}
