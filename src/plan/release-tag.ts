import { isSemver, tagPatternExample, tagPatternRegex } from "./formats.js";
import type { PolicyConfig } from "../config/types.js";

/** What a pushed git tag means under the configured patterns. */
export type TagMeaning =
  | { readonly kind: "release"; readonly version: string }
  | { readonly kind: "chart-release"; readonly chart: string; readonly version: string }
  | { readonly kind: "refused"; readonly reason: string };

/** Reads a git tag against `policy.chartReleaseTag` (first, it is the more specific) and `policy.releaseTag`. */
export function readReleaseTag(tag: string, policy: PolicyConfig, chartNames: readonly string[]): TagMeaning {
  const chartMatch = tagPatternRegex(policy.chartReleaseTag).exec(tag);
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
  const match = tagPatternRegex(policy.releaseTag).exec(tag);
  if (match?.groups) {
    const version = match.groups.version!;
    const problem = versionProblem(tag, version);
    return problem ? { kind: "refused", reason: problem } : { kind: "release", version };
  }
  return {
    kind: "refused",
    reason: `tag ${tag} matches neither the release pattern "${policy.releaseTag}" nor the chart release pattern "${policy.chartReleaseTag}"; push a tag like ${tagPatternExample(policy.releaseTag)} or change policy in charthouse.yaml`,
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
