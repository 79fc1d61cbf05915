import semver from "semver";
import { helmArgs } from "../chart/helm-args.js";
import { versionToTag } from "../plan/formats.js";
import { MEDIA_TYPES, type RegistryClient } from "../registry/client.js";
import { isLoopbackHost, parseRepository } from "../registry/reference.js";
import type { Cluster } from "./cluster.js";
import { SyncExitCode } from "../exit-codes.js";
import { checkPermissions } from "./preflight.js";
import { failedVersions } from "./release-history.js";
import { verifyChartAndImages } from "./verify-signature.js";
import { describePolicy, selectVersions, type SyncPolicy } from "./select-version.js";

export interface SyncOptions {
  /** `oci://ghcr.io/samvera/charts/hyrax` */
  readonly chart: string;
  readonly release: string;
  readonly namespace: string;
  readonly policy: SyncPolicy;
  readonly values?: string;
  readonly timeout?: string;
  readonly dryRun?: boolean;
  /** A cosign public key (PEM): install only a chart version it signed; others are refused with the reason. */
  readonly verifyKey?: string;
  /** Plain HTTP to the chart's registry (helm's --plain-http); a loopback registry always is. */
  readonly plainHttp?: boolean;
}

export type SyncAction = "upgraded" | "up-to-date" | "held" | "failed" | "rolled-back" | "refused" | "misconfigured";

/** One decision, as one JSON log line and one sentence for people. */
export interface SyncResult {
  readonly action: SyncAction;
  readonly release: string;
  readonly namespace: string;
  readonly chart: string;
  readonly policy: string;
  readonly deployed?: string;
  readonly found?: string;
  readonly installed?: string;
  readonly digest?: string;
  readonly skipped: readonly { readonly version: string; readonly reason: string }[];
  readonly dryRun: boolean;
  readonly message: string;
}

/** The exit code of each outcome (the table: src/exit-codes.ts); a CronJob tells them apart. */
export const SYNC_EXIT: Record<SyncAction, number> = {
  "up-to-date": SyncExitCode.upToDate,
  held: SyncExitCode.upToDate,
  upgraded: SyncExitCode.upgraded,
  failed: SyncExitCode.failed,
  "rolled-back": SyncExitCode.rolledBack,
  refused: SyncExitCode.refused,
  misconfigured: SyncExitCode.misconfigured,
};

/**
 * One check: the newest allowed version of the chart, against the release actually
 * deployed; when newer (and not held), resolved to its digest and installed by it, so
 * what was checked is what runs. Never downgrades; a version that cannot be read or is
 * not a chart is skipped for the next one. With a verify key, so is a version it did not
 * sign, or one pinning an image it did not sign (unsigned, signed by another key, or a
 * signature of other bytes): refused, with the reason; when every newer version is
 * refused the release stays where it is.
 */
export async function syncRelease(
  o: SyncOptions,
  deps: { client: RegistryClient; cluster: Cluster },
): Promise<SyncResult> {
  const repository = o.chart.replace(/^oci:\/\//, "");
  const base = {
    release: o.release,
    namespace: o.namespace,
    chart: o.chart,
    policy: describePolicy(o.policy),
    dryRun: o.dryRun ?? false,
  };
  const skipped: { version: string; reason: string }[] = [];
  const result = (action: SyncAction, message: string, extra: Partial<SyncResult> = {}): SyncResult => ({
    ...base,
    action,
    skipped,
    message,
    ...extra,
  });

  const [deployed, controls, history, tags] = await Promise.all([
    deps.cluster.deployed(o.release, o.namespace),
    deps.cluster.controls(o.release, o.namespace),
    deps.cluster.history(o.release, o.namespace),
    deps.client.listTags(repository),
  ]);
  const chartName = repository.split("/").pop()!;
  if (deployed && deployed.chart !== chartName) {
    return result(
      "misconfigured",
      `release ${o.release} runs chart ${deployed.chart}, not ${chartName}: point --chart at the chart it was ` +
        "installed from",
      { deployed: deployed.version },
    );
  }
  const failed = failedVersions(history);
  const selection = selectVersions({
    tags,
    policy: o.policy,
    deployed: deployed?.version,
    skip: [...controls.skip, ...failed.map((f) => f.version)],
  });
  for (const version of controls.skip)
    if (tags.includes(versionToTag(version))) skipped.push({ version, reason: "on the skip list" });
  for (const { version, revision } of failed) {
    // Only one sync would otherwise try again: published, newer than what runs, not already on the skip list.
    if (
      tags.includes(versionToTag(version)) &&
      !controls.skip.includes(version) &&
      (!deployed || semver.gt(version, deployed.version))
    ) {
      skipped.push({
        version,
        reason:
          `failed in revision ${revision} and was rolled back: not retried (a newer version, or an upgrade to ` +
          "it by hand, clears this)",
      });
    }
  }
  const at = { deployed: deployed?.version, found: selection.newest };
  if (controls.hold)
    return result(
      "held",
      `held: the release's controls say hold, so ${deployed?.version ?? "nothing"} stays (newest allowed: ` +
        `${selection.newest ?? "none"})`,
      at,
    );
  if (selection.candidates.length === 0) {
    return result(
      "up-to-date",
      deployed
        ? `up to date at ${deployed.version} (newest allowed by ${base.policy}: ${selection.newest ?? "none"})`
        : `nothing to install: no version allowed by ${base.policy}`,
      at,
    );
  }

  for (const candidate of selection.candidates) {
    const manifest = await deps.client.getManifest(repository, candidate.tag).catch((e: Error) => e);
    if (manifest instanceof Error || manifest === null) {
      skipped.push({
        version: candidate.version,
        reason: manifest instanceof Error ? `cannot be read: ${manifest.message}` : "vanished",
      });
      continue;
    }
    const config = (JSON.parse(manifest.bytes.toString("utf8")) as { config?: { mediaType?: string } }).config
      ?.mediaType;
    if (config !== MEDIA_TYPES.helmConfig) {
      skipped.push({ version: candidate.version, reason: `not a Helm chart (config ${config ?? "missing"})` });
      continue;
    }
    if (o.verifyKey !== undefined) {
      const verdict = await verifyChartAndImages(deps.client, repository, manifest, o.verifyKey);
      if (!verdict.ok) {
        skipped.push({ version: candidate.version, reason: `refused: ${verdict.reason}` });
        continue;
      }
    }
    const ref = `oci://${repository}@${manifest.digest}`;
    const plainHttp = o.plainHttp || isLoopbackHost(parseRepository(repository).host);
    const args = helmArgs.upgrade(o.release, ref, candidate.version, {
      namespace: o.namespace,
      timeout: o.timeout ?? "10m",
      values: o.values,
      plainHttp,
    });
    const found = { ...at, installed: candidate.version, digest: manifest.digest };
    // Preflight: a version that needs more than the updater's Role grants is refused before helm touches the release.
    const renderArgs = helmArgs.render(o.release, ref, candidate.version, {
      namespace: o.namespace,
      values: o.values,
      plainHttp,
    });
    const denied = await checkPermissions(deps.cluster, {
      release: o.release,
      namespace: o.namespace,
      version: candidate.version,
      renderArgs,
    });
    if (denied) return result("misconfigured", denied, found);
    if (o.dryRun)
      return result(
        "upgraded",
        `would upgrade ${deployed?.version ?? "(not installed)"} → ${candidate.version} (${manifest.digest}) [dry ` +
          `run]: helm ${args.join(" ")}`,
        found,
      );
    const outcome = await deps.cluster.helm(args);
    if (outcome.ok)
      return result(
        "upgraded",
        `${deployed ? `upgraded ${deployed.version} →` : "installed"} ${candidate.version} (${manifest.digest})`,
        found,
      );
    const why = outcome.output.trim().split("\n").pop() ?? "";
    return outcome.rolledBack
      ? result(
          "rolled-back",
          `upgrade to ${candidate.version} failed and was rolled back to ${deployed?.version ?? "nothing"}: ${why}`,
          found,
        )
      : result("failed", `upgrade to ${candidate.version} failed: ${why}`, found);
  }
  const refused = skipped.filter((s) => s.reason.startsWith("refused: "));
  if (refused.length) {
    const list = refused.map((s) => `${s.version} (${s.reason.slice("refused: ".length)})`).join("; ");
    return result(
      "refused",
      `refused every newer version: ${list}; ${deployed?.version ?? "nothing"} stays installed`,
      at,
    );
  }
  return result(
    "failed",
    `no allowed version newer than ${deployed?.version ?? "nothing"} could be read as a chart`,
    at,
  );
}
