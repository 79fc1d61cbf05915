import semver from "semver";
import { DEFAULT_POLICY } from "../config/types.js";
import { isSemver, tagReadTwice } from "../plan/formats.js";

/** A git tag and when it was made (seconds since the epoch; a lightweight tag has its commit's time). */
export interface GitTag {
  readonly name: string;
  readonly time: number;
}

export interface LearnedPatterns {
  readonly releaseTag: string;
  readonly chartReleaseTag: string;
  /** The newest tag each pattern was learned from; absent when it is charthouse's default. */
  readonly releaseFrom?: string;
  readonly chartFrom?: string;
  /** Other patterns the history holds, not used. */
  readonly notes: readonly string[];
}

interface Shaped {
  readonly tag: GitTag;
  readonly pattern: string;
  readonly version: string;
  readonly chart: boolean;
}

/**
 * Release tag patterns from the repository's history: each semver-shaped tag
 * (`<prefix><semver>`) gives a pattern (`hyrax-v{version}`); a prefix saying chart or
 * helm makes it a chart pattern (`hyrax-chart-{version}`, with `{chart}` for a chart's
 * name when there are several). Of each kind the newest tag's pattern wins (by time, then
 * version); the others are reported. A pair `check` would refuse is not proposed.
 */
export function learnTagPatterns(tags: readonly GitTag[], charts: readonly string[]): LearnedPatterns {
  const shaped = tags
    .flatMap((tag) => shape(tag, charts))
    .sort((a, b) => b.tag.time - a.tag.time || semver.rcompare(a.version, b.version));
  const notes: string[] = [];
  const newest = (chart: boolean) => {
    const seen = new Map<string, Shaped[]>();
    for (const s of shaped.filter((x) => x.chart === chart)) seen.set(s.pattern, [...(seen.get(s.pattern) ?? []), s]);
    return [...seen.values()];
  };
  const releases = newest(false);
  const chartPatterns = newest(true).filter((group) => charts.length <= 1 || group[0]!.pattern.includes("{chart}"));
  const release = releases[0];
  const releaseTag = release?.[0]!.pattern ?? DEFAULT_POLICY.releaseTag;
  const chart = chartPatterns.find(
    (group) => !tagReadTwice({ releaseTag, chartReleaseTag: group[0]!.pattern }, charts),
  );
  for (const group of releases.slice(1))
    notes.push(
      `release tags ${group[0]!.pattern} (${count(group)}, newest ${group[0]!.tag.name}) are older than ` +
        `${release![0]!.tag.name}: not used`,
    );
  for (const group of chartPatterns.filter((g) => g !== chart))
    notes.push(
      `chart tags ${group[0]!.pattern} (${count(group)}, newest ${group[0]!.tag.name}) ` +
        `${chart ? `are older than ${chart[0]!.tag.name}` : `would read a tag as a release too`}: not used`,
    );
  const chartReleaseTag =
    chart?.[0]!.pattern ??
    (tagReadTwice({ releaseTag, chartReleaseTag: DEFAULT_POLICY.chartReleaseTag }, charts)
      ? `{chart}-chart-${releaseTag}`
      : DEFAULT_POLICY.chartReleaseTag);
  return {
    releaseTag,
    chartReleaseTag,
    ...(release ? { releaseFrom: release[0]!.tag.name } : {}),
    ...(chart ? { chartFrom: chart[0]!.tag.name } : {}),
    notes,
  };
}

function count(group: readonly Shaped[]): string {
  return `${group.length} tag${group.length === 1 ? "" : "s"}`;
}

function shape(tag: GitTag, charts: readonly string[]): Shaped[] {
  const m = tag.name.match(/^(.*?)(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)$/);
  if (!m || !isSemver(m[2]!) || /[{}]/.test(m[1]!)) return [];
  const prefix = m[1]!;
  const chart = /chart|helm/i.test(prefix);
  let pattern = `${prefix}{version}`;
  if (chart && charts.length > 1) {
    const name = [...charts].sort((a, b) => b.length - a.length).find((c) => prefix.includes(c));
    if (name) pattern = pattern.replace(name, "{chart}");
  }
  return [{ tag, pattern, version: m[2]!, chart }];
}
