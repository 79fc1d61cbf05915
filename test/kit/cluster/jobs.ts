import type { ControlPlane } from "./control-plane.js";

/** What a finished Job shows an operator: its outcome, its pods, the container's exit code and `kubectl logs`. */
export interface JobOutcome {
  readonly name: string;
  readonly succeeded: boolean;
  /** How many pods it made: 1 when it was not retried. */
  readonly pods: number;
  readonly exitCode: number;
  readonly log: string;
  readonly nodeName: string;
}

interface PodJson {
  spec: { nodeName: string };
  status: { containerStatuses?: { state: { terminated?: { exitCode: number } } }[] };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits for Job `name` in `namespace` to succeed or fail, then reads what kubectl shows of it. */
export async function jobOutcome(
  cluster: ControlPlane,
  namespace: string,
  name: string,
  timeoutMs = 240_000,
): Promise<JobOutcome> {
  const deadline = Date.now() + timeoutMs;
  let status: { succeeded?: number; failed?: number } = {};
  while (!status.succeeded && !status.failed) {
    if (Date.now() > deadline) throw new Error(`job ${name} did not finish within ${timeoutMs / 1000}s`);
    await sleep(500);
    status = JSON.parse(await cluster.kubectl(["get", "job", name, "-n", namespace, "-o", "json"])).status;
  }
  const pods = JSON.parse(
    await cluster.kubectl(["get", "pod", "-n", namespace, "-l", `job-name=${name}`, "-o", "json"]),
  ).items as PodJson[];
  return {
    name,
    succeeded: (status.succeeded ?? 0) > 0,
    pods: pods.length,
    exitCode: pods[0]?.status.containerStatuses?.[0]?.state.terminated?.exitCode ?? -1,
    log: await cluster.kubectl(["logs", `job/${name}`, "-n", namespace]),
    nodeName: pods[0]?.spec.nodeName ?? "",
  };
}

/** A Job made from CronJob `cronJob` as an operator makes one (`kubectl create job --from`), run to its end. */
export async function runJobNow(
  cluster: ControlPlane,
  namespace: string,
  cronJob: string,
  name: string,
): Promise<JobOutcome> {
  await cluster.kubectl(["create", "job", name, "--from", `cronjob/${cronJob}`, "--namespace", namespace]);
  return jobOutcome(cluster, namespace, name);
}

/**
 * Notes the Jobs a CronJob controller has made in `namespace` so far; `next()` then waits for
 * the first one made after that, on the schedule, and returns its name.
 */
export async function watchScheduledJobs(
  cluster: ControlPlane,
  namespace: string,
): Promise<{ next(timeoutMs?: number): Promise<string> }> {
  const names = async () =>
    (
      JSON.parse(await cluster.kubectl(["get", "jobs", "-n", namespace, "-o", "json"])).items as {
        metadata: { name: string; ownerReferences?: { kind: string }[] };
      }[]
    )
      .filter((j) => j.metadata.ownerReferences?.some((o) => o.kind === "CronJob"))
      .map((j) => j.metadata.name);
  const before = new Set(await names());
  return {
    async next(timeoutMs = 150_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const fresh = (await names()).find((n) => !before.has(n));
        if (fresh) return fresh;
        if (Date.now() > deadline) throw new Error(`the CronJob made no Job within ${timeoutMs / 1000}s`);
        await sleep(1000);
      }
    },
  };
}
