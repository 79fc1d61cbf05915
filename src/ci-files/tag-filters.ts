import type { PolicyConfig } from "../config/types.js";

const VERSION = String.raw`\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?`;
const CHART = "[a-z0-9]+([._-][a-z0-9]+)*";

/** A CircleCI tag filter (`/…/`) matching exactly the release and chart-release tags of the policy. */
export function circleTagFilter(policy: PolicyConfig): string {
  const toRegex = (pattern: string) =>
    `^${pattern
      .split(/(\{version\}|\{chart\})/)
      .map((part) => (part === "{version}" ? VERSION : part === "{chart}" ? CHART : part.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")))
      .join("")}$`;
  return `/${toRegex(policy.releaseTag)}|${toRegex(policy.chartReleaseTag)}/`;
}

/** GitHub Actions `push: tags:` globs for the policy's two patterns. */
export function githubTagGlobs(policy: PolicyConfig): string[] {
  return [policy.releaseTag, policy.chartReleaseTag].map((p) => p.replace("{version}", "[0-9]+.[0-9]+.[0-9]+*").replace("{chart}", "*"));
}
