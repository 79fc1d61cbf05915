import { isSemver } from "../chart/oci-tag.js";
import type { PolicyConfig } from "../config/types.js";

/** What a pushed git tag means under the configured patterns. */
export type TagMeaning =
  | { readonly kind: "release"; readonly version: string }
  | { readonly kind: "chart-release"; readonly chart: string; readonly version: string }
  | { readonly kind: "refused"; readonly reason: string };

/** Reads a git tag against `policy.chartReleaseTag` (first, it is the more specific) and `policy.releaseTag`. */
export function readReleaseTag(tag: string, policy: PolicyConfig, chartNames: readonly string[]): TagMeaning {
  const chartMatch = patternRegex(policy.chartReleaseTag).exec(tag);
  if (chartMatch?.groups) {
    const chart = chartMatch.groups.chart!;
    const version = chartMatch.groups.version!;
    if (!chartNames.includes(chart)) {
      return {
        kind: "refused",
        reason: `tag ${tag} releases chart "${chart}", which charthouse.yaml does not declare (charts: ${chartNames.join(", ") || "none"}); tag one of them`,
      };
    }
    const problem = versionProblem(tag, version);
    return problem ? { kind: "refused", reason: problem } : { kind: "chart-release", chart, version };
  }
  const match = patternRegex(policy.releaseTag).exec(tag);
  if (match?.groups) {
    const version = match.groups.version!;
    const problem = versionProblem(tag, version);
    return problem ? { kind: "refused", reason: problem } : { kind: "release", version };
  }
  return {
    kind: "refused",
    reason: `tag ${tag} matches neither the release pattern "${policy.releaseTag}" nor the chart release pattern "${policy.chartReleaseTag}"; push a tag like ${example(policy.releaseTag)} or change policy in charthouse.yaml`,
  };
}

function versionProblem(tag: string, version: string): string | undefined {
  if (!isSemver(version)) {
    return `tag ${tag}: "${version}" is not a semantic version; tag releases as MAJOR.MINOR.PATCH[-PRERELEASE], e.g. 5.0.1 or 5.1.0-rc.1`;
  }
  if (version.includes("+")) {
    return (
      `tag ${tag}: version ${version} has build metadata, which OCI tags cannot hold ` +
      `(helm would publish it as ${version.replace("+", "_")}, which other tools misread); tag the release without the +… part`
    );
  }
  return undefined;
}

/** `{chart}-chart-v{version}` → /^(?<chart>.+?)-chart-v(?<version>.+)$/ */
function patternRegex(pattern: string): RegExp {
  const parts = pattern.split(/(\{chart\}|\{version\})/).map((part) => {
    if (part === "{chart}") return "(?<chart>[a-z0-9]+(?:[._-][a-z0-9]+)*?)";
    if (part === "{version}") return "(?<version>.+)";
    return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  });
  return new RegExp(`^${parts.join("")}$`);
}

function example(pattern: string): string {
  return pattern.replace("{version}", "1.2.3").replace("{chart}", "mychart");
}
