import { isSemver, tagPatternExample, tagPatternRegex } from "./formats.js";
import type { PolicyConfig } from "../config/types.js";
import { schemeOf, type VersionScheme } from "./version-schemes.js";

/** What a pushed git tag means under the configured patterns. */
export type TagMeaning =
  | { readonly kind: "release"; readonly version: string }
  | { readonly kind: "chart-release"; readonly chart: string; readonly version: string }
  | { readonly kind: "refused"; readonly reason: string };

/**
 * Reads a git tag against `policy.chartReleaseTag` (first, it is the more specific) and
 * `policy.releaseTag`. A pattern reads a tag only as a semver release (of a declared chart,
 * for the chart pattern): `5.1.0-rc.1` is release 5.1.0-rc.1 under `{version}` even beside
 * `{chart}-{version}`, since no chart "5.1.0" releases "rc.1". A chart pattern without
 * `{chart}` releases the one chart there is. When neither reads the tag, the nearest
 * miss says why. A release's version is read by the project's scheme (`policy.versions`), a chart's always as
 * semver: Helm requires it.
 */
export function readReleaseTag(tag: string, policy: PolicyConfig, chartNames: readonly string[]): TagMeaning {
  const chartMatch = tagPatternRegex(policy.chartReleaseTag).exec(tag)?.groups;
  const chart = chartMatch ? (chartMatch.chart ?? (chartNames.length === 1 ? chartNames[0] : undefined)) : undefined;
  if (chartMatch && chart !== undefined && chartNames.includes(chart) && !versionProblem(tag, chartMatch.version!)) {
    return { kind: "chart-release", chart, version: chartMatch.version! };
  }
  const scheme = schemeOf(policy);
  const match = tagPatternRegex(policy.releaseTag).exec(tag)?.groups;
  if (match && !versionProblem(tag, match.version!, scheme)) return { kind: "release", version: match.version! };
  if (chartMatch && chart === undefined) {
    return {
      kind: "refused",
      reason:
        `tag ${tag} is a chart release by "${policy.chartReleaseTag}", but charthouse.yaml declares ` +
        `${chartNames.length ? "several charts and the pattern names none: put {chart} in it" : "no chart"}`,
    };
  }
  if (chartMatch && chart !== undefined && !chartNames.includes(chart)) {
    return {
      kind: "refused",
      reason:
        `tag ${tag} releases chart "${chart}", which charthouse.yaml does not declare (charts: ` +
        `${chartNames.join(", ") || "none"}); tag one of them`,
    };
  }
  const problem = chartMatch
    ? versionProblem(tag, chartMatch.version!)
    : match
      ? versionProblem(tag, match.version!, scheme)
      : undefined;
  if (problem) return { kind: "refused", reason: problem };
  return {
    kind: "refused",
    reason:
      `tag ${tag} matches neither the release pattern "${policy.releaseTag}" nor the chart release pattern ` +
      `"${policy.chartReleaseTag}"; push a tag like ${tagPatternExample(policy.releaseTag, scheme.examples[0])} or ` +
      "change policy in charthouse.yaml",
  };
}

function versionProblem(tag: string, version: string, scheme?: VersionScheme): string | undefined {
  if (scheme && scheme.name !== "semver") {
    if (scheme.parse(version)) return undefined;
    return (
      `tag ${tag}: "${version}" is not a ${scheme.name} version (policy.versions); tag releases as ${scheme.shape}, ` +
      `e.g. ${scheme.examples.join(" or ")}`
    );
  }
  if (!isSemver(version)) {
    return (
      `tag ${tag}: "${version}" is not a semantic version; tag releases as MAJOR.MINOR.PATCH[-PRERELEASE], e.g. ` +
      "5.0.1 or 5.1.0-rc.1"
    );
  }
  if (version.includes("+")) {
    return (
      `tag ${tag}: version ${version} has build metadata, which OCI tags cannot hold ` +
      `(helm would publish it as ${version.replace("+", "_")}, which other tools misread); tag the release without ` +
      "the +… part"
    );
  }
  return undefined;
}
