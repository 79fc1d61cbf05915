import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { helmArgs } from "../chart/helm-args.js";
import { runProcess } from "../exec/run-process.js";
import type { Credentials } from "../registry/credentials.js";
import { controlsConfigMap, parseControls, type SyncControls } from "./controls.js";
import { plainClusterFailure } from "./cluster-failure.js";
import type { GrantedRule } from "./permissions.js";
import { parseHistory, splitChart, type Revision } from "./release-history.js";

/** The deployed release, as helm reports it. */
export interface DeployedRelease {
  readonly chart: string;
  readonly version: string;
  readonly status: string;
}

export type UpgradeOutcome =
  | { readonly ok: true; readonly output: string }
  | { readonly ok: false; readonly rolledBack: boolean; readonly output: string };

/**
 * The narrow interface to the cluster: the one part charthouse cannot run where it is
 * built and tested. The real one runs helm and kubectl; tests use a fake named as such.
 */
export interface Cluster {
  deployed(release: string, namespace: string): Promise<DeployedRelease | null>;
  controls(release: string, namespace: string): Promise<SyncControls>;
  /** The release's revisions as the cluster holds them; none for a release never installed. */
  history(release: string, namespace: string): Promise<readonly Revision[]>;
  helm(args: readonly string[]): Promise<UpgradeOutcome>;
  /** A chart's manifests as `helm template` prints them (the arguments of helmArgs.render). */
  render(args: readonly string[]): Promise<string>;
  /** What this identity may do in `namespace`, as the API server says (a SelfSubjectRulesReview). */
  granted(namespace: string): Promise<readonly GrantedRule[]>;
}

/** The chart registry helm must log in to before it pulls: sync's own credentials for it. */
export interface HelmRegistryLogin {
  readonly host: string;
  readonly credentials: Credentials;
  readonly plainHttp: boolean;
}

/**
 * `helm` and `kubectl` against the cluster of the current kubeconfig (in-cluster: the service account's).
 * With `registry`, helm logs in to it once, just before its first pull (an up-to-date check never
 * does): the password on stdin, into a registry config of this run's own under the temp dir (in
 * the updater's pod, a memory-backed emptyDir), which dispose() removes.
 */
export function helmCluster(opts: {
  helm: string;
  kubectl: string;
  env?: NodeJS.ProcessEnv;
  registry?: HelmRegistryLogin;
}): Cluster & { dispose(): void } {
  const run = (bin: string, args: readonly string[]) => runProcess(bin, args, { env: opts.env });
  let loginDir: string | undefined;
  let loggedIn: Promise<NodeJS.ProcessEnv> | undefined;
  const helmEnv = (): Promise<NodeJS.ProcessEnv | undefined> => {
    const registry = opts.registry;
    if (!registry) return Promise.resolve(opts.env);
    loggedIn ??= (async () => {
      loginDir = mkdtempSync(join(tmpdir(), "charthouse-helm-registry-"));
      const env = { ...(opts.env ?? process.env), HELM_REGISTRY_CONFIG: join(loginDir, "config.json") };
      const args = helmArgs.registryLogin(registry.host, registry.credentials.username, {
        plainHttp: registry.plainHttp,
      });
      const result = await runProcess(opts.helm, args, { env, input: registry.credentials.password.reveal() });
      if (result.code !== 0)
        throw new Error(`helm registry login to ${registry.host} failed: ${result.output.trim().split("\n").pop()}`);
      return env;
    })();
    return loggedIn;
  };
  const runHelm = async (args: readonly string[]) => runProcess(opts.helm, args, { env: await helmEnv() });
  return {
    dispose() {
      if (loginDir) rmSync(loginDir, { recursive: true, force: true });
    },
    async deployed(release, namespace) {
      const result = await run(opts.helm, [
        "list",
        "--namespace",
        namespace,
        "--filter",
        `^${release}$`,
        "--output",
        "json",
      ]);
      if (result.code !== 0)
        throw new Error(plainClusterFailure(result.output) ?? `helm list failed: ${result.output.trim()}`);
      const [entry] = JSON.parse(result.stdout || "[]") as { chart: string; status: string; app_version: string }[];
      if (!entry) return null;
      return { ...splitChart(entry.chart), status: entry.status };
    },
    async history(release, namespace) {
      const result = await run(opts.helm, ["history", release, "--namespace", namespace, "--output", "json"]);
      if (result.code !== 0 && /release: not found/.test(result.output)) return [];
      if (result.code !== 0)
        throw new Error(plainClusterFailure(result.output) ?? `helm history failed: ${result.output.trim()}`);
      return parseHistory(result.stdout);
    },
    async controls(release, namespace) {
      const result = await run(opts.kubectl, [
        "get",
        "configmap",
        controlsConfigMap(release),
        "--namespace",
        namespace,
        "--output",
        "json",
        "--ignore-not-found",
      ]);
      if (result.code !== 0)
        throw new Error(
          plainClusterFailure(result.output) ??
            `reading ConfigMap ${controlsConfigMap(release)} failed: ${result.output.trim()}`,
        );
      return parseControls(
        result.stdout.trim() ? (JSON.parse(result.stdout) as { data?: Record<string, string> }).data : undefined,
      );
    },
    async helm(args) {
      const result = await runHelm(args);
      if (result.code === 0) return { ok: true, output: result.output };
      // helm 3 says "has been rolled back due to atomic being set", helm 4 "… rollback-on-failure being set";
      // "an error occurred while rolling back" means the rollback itself failed.
      return { ok: false, rolledBack: /has been rolled back due to/.test(result.output), output: result.output };
    },
    async render(args) {
      const result = await runHelm(args);
      if (result.code !== 0) throw new Error(`helm template failed: ${result.output.trim()}`);
      return result.stdout;
    },
    async granted(namespace) {
      const review = JSON.stringify({
        apiVersion: "authorization.k8s.io/v1",
        kind: "SelfSubjectRulesReview",
        spec: { namespace },
      });
      // --validate=false: client-side validation lists CRDs cluster-wide, which a least-privilege updater may not.
      const result = await runProcess(opts.kubectl, ["create", "--validate=false", "-f", "-", "--output", "json"], {
        env: opts.env,
        input: review,
      });
      if (result.code !== 0)
        throw new Error(
          plainClusterFailure(result.output) ??
            `asking the API server what the updater may do failed: ${result.output.trim()}`,
        );
      return (JSON.parse(result.stdout) as { status?: { resourceRules?: GrantedRule[] } }).status?.resourceRules ?? [];
    },
  };
}
