import { createPublicKey } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { helmBinary, kubectlBinary } from "../../exec/index.js";
import { ConfigError } from "../../errors.js";
import { isLoopbackHost, RegistryClient } from "../../registry/index.js";
import { helmCluster, parsePolicy, scheduledSync, type Cluster } from "../../updater/index.js";
import { deriveUpdaterRole, updaterRoleValues } from "../../updater/updater-role.js";
import type { CliIo } from "../io.js";
import { addRegistryOptions, readCredentials, type RegistryOptions } from "../registry-options.js";

interface SyncFlags extends RegistryOptions {
  chart: string;
  release: string;
  namespace: string;
  policy: string;
  values?: string;
  timeout: string;
  dryRun?: boolean;
  json?: boolean;
  webhook?: string;
  verifyKey?: string;
  zeroExitOnUpgrade?: boolean;
  plainHttp?: boolean;
}

/** Tests pass a fake cluster; the CLI otherwise talks to the real one through helm and kubectl. */
export function registerSync(
  program: Command,
  io: CliIo,
  setExitCode: (code: number) => void,
  cluster?: Cluster,
): void {
  addRegistryOptions(
    program
      .command("sync")
      .summary("upgrade a release to the newest chart version its policy allows (the in-cluster pull model)")
      .description(
        "Lists the chart's versions in the registry, picks the newest the policy allows (a semver range such as ~5.0 " +
          "or ^5, stable: the newest release, nightly: the newest -nightly.YYYYMMDD), compares it with the release " +
          "actually deployed, and when newer checks that the updater may do everything that version renders (a can-i " +
          "preflight: a missing rule is named and nothing changes), then runs helm upgrade --install --atomic --wait " +
          "with that version pinned by digest. Never downgrades; respects hold and skip from the ConfigMap " +
          "charthouse-sync-<release> in the namespace. Prints one line and one JSON log line. With --verify-key, a " +
          "version the key did not sign is refused. Its exit code tells the outcome (below).",
      )
      .requiredOption("--chart <oci>", "the chart, e.g. oci://ghcr.io/samvera/charts/hyrax")
      .requiredOption("--release <name>", "the Helm release to keep up to date")
      .requiredOption("--namespace <ns>", "the release's namespace")
      .requiredOption("--policy <policy>", "a semver range (~5.0, ^5), stable, or nightly")
      .option("--values <file>", "values file for the upgrade")
      .option("--timeout <duration>", "how long helm waits for the release to be ready", "10m")
      .option(
        "--webhook <url>",
        "Slack-compatible webhook told of every upgrade, skip and failure (default: $CHARTHOUSE_WEBHOOK)",
      )
      .option(
        "--verify-key <file>",
        "install only chart versions signed by this cosign public key (cosign.pub); others are refused with the " +
          "reason (default: the PEM in $CHARTHOUSE_VERIFY_KEY)",
      )
      .option(
        "--plain-http",
        "speak plain HTTP to the chart's registry, as to a loopback one (an in-cluster registry without TLS)",
      )
      .option("--dry-run", "decide and print, change nothing")
      .option("--json", "print only the JSON log line")
      .option(
        "--zero-exit-on-upgrade",
        "exit 0 when upgraded too: a Kubernetes Job counts only 0 as success (the updater chart's CronJob sets it)",
      ),
  ).action(async (opts: SyncFlags) => {
    const policy = parsePolicy(opts.policy);
    if (!policy)
      throw new ConfigError(
        `--policy ${opts.policy} is neither stable, nightly, nor a semver range: write e.g. ~5.0, ^5 or stable`,
      );
    if (!opts.chart.startsWith("oci://"))
      throw new ConfigError(`--chart ${opts.chart} is not an OCI reference: write oci://<registry>/<path>/<chart>`);
    const host = opts.chart.slice("oci://".length).split("/")[0]!;
    const credentials = await readCredentials(opts, host, io);
    const plainHttp = opts.plainHttp || isLoopbackHost(host);
    const real =
      cluster === undefined
        ? helmCluster({
            helm: helmBinary(io.env),
            kubectl: kubectlBinary(io.env),
            env: io.env,
            registry: credentials && { host, credentials, plainHttp },
          })
        : undefined;
    const target = cluster ?? real!;
    const verifyKey = readVerifyKey(opts.verifyKey, io);
    const options = {
      chart: opts.chart,
      release: opts.release,
      namespace: opts.namespace,
      policy,
      values: opts.values,
      timeout: opts.timeout,
      dryRun: opts.dryRun,
      verifyKey,
      plainHttp,
    };
    const report = await scheduledSync(options, {
      client: new RegistryClient({ credentials, plainHttp }),
      cluster: target,
      webhook: opts.webhook ?? io.env.CHARTHOUSE_WEBHOOK,
      now: io.now(),
    }).finally(() => real?.dispose());
    if (opts.json) io.stdout(`${report.line}\n`);
    else {
      io.stdout(`${report.result.action}: ${report.result.message}\n`);
      io.stderr(`${report.line}\n`);
    }
    setExitCode(opts.zeroExitOnUpgrade && report.result.action === "upgraded" ? 0 : report.exitCode);
  });
}

/**
 * The public key to verify with, from --verify-key or $CHARTHOUSE_VERIFY_KEY; a ConfigError when it is no public key.
 */
function readVerifyKey(file: string | undefined, io: CliIo): string | undefined {
  const source = file ? `--verify-key ${file}` : "CHARTHOUSE_VERIFY_KEY";
  let pem: string | undefined;
  if (file) {
    const path = resolve(io.cwd, file);
    if (!existsSync(path))
      throw new ConfigError(
        `--verify-key ${file}: no such file. Give the cosign public key (cosign.pub) the pipeline signs for`,
      );
    pem = readFileSync(path, "utf8");
  } else pem = io.env.CHARTHOUSE_VERIFY_KEY || undefined;
  if (pem === undefined) return undefined;
  try {
    if (/PRIVATE KEY/.test(pem) || createPublicKey(pem).type !== "public") throw new Error("not public");
  } catch {
    throw new ConfigError(
      `${source} is not a public key in PEM form: give cosign.pub (the private cosign.key stays with the pipeline)`,
    );
  }
  return pem;
}

/** `charthouse updater-role`: the Role deploy/updater needs for a chart, derived from the kinds it renders. */
export function registerUpdaterRole(program: Command, io: CliIo): void {
  program
    .command("updater-role")
    .summary("print the least-privilege Role the updater needs for a chart, as values for deploy/updater")
    .description(
      "Renders the chart with helm template (the release name, namespace and values the upgrade will use) and " +
        "derives the updater's Role from the kinds it renders: each namespaced kind managed, what helm --wait reads, " +
        "helm's release Secrets, and get on the release's sync controls ConfigMap. Prints a values file: helm " +
        "install … deploy/updater -f it. A cluster-scoped or custom kind cannot be derived: it is named, with what " +
        "to do, and the exit code is 2.",
    )
    .requiredOption("--chart <dir|oci>", "a chart directory, or oci://<registry>/<path>/<chart> with --version")
    .option("--version <version>", "the chart version to render (required for an OCI reference)")
    .requiredOption("--release <name>", "the Helm release the updater keeps up to date")
    .requiredOption("--namespace <ns>", "the release's namespace")
    .option("--values <file>", "values file the upgrade uses")
    .action(async (opts: { chart: string; version?: string; release: string; namespace: string; values?: string }) => {
      if (opts.chart.startsWith("oci://") && !opts.version)
        throw new ConfigError(
          `--chart ${opts.chart} is an OCI reference: add --version <the version the updater will install>`,
        );
      const render = helmCluster({ helm: helmBinary(io.env), kubectl: kubectlBinary(io.env), env: io.env }).render;
      const role = await deriveUpdaterRole(opts, render).catch((e: Error) => {
        throw new ConfigError(`rendering ${opts.chart} failed: ${e.message.replace(/^helm template failed: /, "")}`);
      });
      if (!role.ok)
        throw new ConfigError(
          `the updater cannot be given a Role for ${opts.chart}:\n  - ${role.problems.join("\n  - ")}`,
        );
      io.stdout(updaterRoleValues(opts, role));
    });
}
