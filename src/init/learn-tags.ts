import { DEFAULT_POLICY } from "../config/types.js";
import { tagReadTwice } from "../plan/formats.js";
import {
  compareVersions,
  isPrerelease,
  SCHEMES,
  VERSION_SCHEMES,
  type Version,
  type VersionScheme,
  type VersionSchemeName,
} from "../plan/version-schemes.js";

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
  /** How the releases are numbered: the scheme that reads the most of the newest release tags as releases. */
  readonly versions: VersionSchemeName;
  /** The newest release tag the scheme was learned from; absent when it is charthouse's default. */
  readonly versionsFrom?: string;
  /** Other patterns the history holds, not used, and tags that fit no scheme. */
  readonly notes: readonly string[];
}

interface Shaped {
  readonly tag: GitTag;
  readonly pattern: string;
  readonly version: Version;
  readonly chart: boolean;
}

/** How many of the newest release tags choose the scheme: a project that changed its numbering follows the new. */
const NEWEST = 10;

/**
 * The scheme that reads the most of the newest release tags as releases (semver first on a tie: `26.10.0` is both
 * semver and calver, `26.08.0` only calver; `12.1-0` is a two-part prerelease but a revision's release), and the
 * newest tag it read.
 */
export function learnScheme(
  tags: readonly GitTag[],
  charts: readonly string[] = [],
): { versions: VersionSchemeName; from?: string } {
  const newest = tags
    .filter((tag) => VERSION_SCHEMES.some((name) => shape(tag, charts, SCHEMES[name]).some((s) => !s.chart)))
    .sort((a, b) => b.time - a.time)
    .slice(0, NEWEST);
  let best: { versions: VersionSchemeName; from?: string; count: number } = { versions: "semver", count: 0 };
  for (const name of VERSION_SCHEMES) {
    const read = newest.filter((tag) =>
      shape(tag, charts, SCHEMES[name]).some((s) => !s.chart && !isPrerelease(s.version)),
    );
    if (read.length > best.count) best = { versions: name, from: read[0]!.name, count: read.length };
  }
  return best.count ? { versions: best.versions, from: best.from! } : { versions: "semver" };
}

/**
 * Release tag patterns from the repository's history: first the version scheme (`learnScheme`); then each tag
 * shaped `<prefix><version>` gives a pattern (`hyrax-v{version}`); a prefix saying chart or
 * helm makes it a chart pattern (`hyrax-chart-{version}`, with `{chart}` for a chart's
 * name when there are several; a chart's version is semver). Of each kind the newest tag's pattern wins (by time,
 * then version); the others are reported, and so are tags that fit no scheme. A pair `check` would refuse is not
 * proposed.
 */
export function learnTagPatterns(tags: readonly GitTag[], charts: readonly string[]): LearnedPatterns {
  const learned = learnScheme(tags, charts);
  const scheme = SCHEMES[learned.versions];
  const shaped = tags
    .flatMap((tag) => [
      ...shape(tag, charts, scheme).filter((s) => !s.chart),
      ...shape(tag, charts, SCHEMES.semver).filter((s) => s.chart),
    ])
    .sort((a, b) => b.tag.time - a.tag.time || compareVersions(b.version, a.version));
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
    (tagReadTwice({ releaseTag, chartReleaseTag: DEFAULT_POLICY.chartReleaseTag, versions: scheme.name }, charts)
      ? `{chart}-chart-${releaseTag}`
      : DEFAULT_POLICY.chartReleaseTag);
  const unfit = [...tags]
    .sort((a, b) => b.time - a.time)
    .filter((tag) => VERSION_SCHEMES.every((name) => shape(tag, charts, SCHEMES[name]).length === 0));
  if (unfit.length)
    notes.push(
      `tags that fit no version scheme, not read as releases (${unfit.length}): ${unfit
        .slice(0, 5)
        .map((t) => t.name)
        .join(", ")}${unfit.length > 5 ? ", …" : ""}`,
    );
  return {
    releaseTag,
    chartReleaseTag,
    ...(release ? { releaseFrom: release[0]!.tag.name } : {}),
    ...(chart ? { chartFrom: chart[0]!.tag.name } : {}),
    versions: scheme.name,
    ...(learned.from ? { versionsFrom: learned.from } : {}),
    notes,
  };
}

function count(group: readonly unknown[]): string {
  return `${group.length} tag${group.length === 1 ? "" : "s"}`;
}

/**
 * The tag as `<prefix><version>` of the scheme, the longest version there is; the prefix ends in no part of a
 * number (`v5.` of `v5.4.0` is no prefix, `v.` of `v.5.0.4` is) and holds no braces.
 */
function shape(tag: GitTag, charts: readonly string[], scheme: VersionScheme): Shaped[] {
  const at = [...tag.name].findIndex(
    (c, i) => /\d/.test(c) && !/\d\.?$/.test(tag.name.slice(0, i)) && scheme.parse(tag.name.slice(i)) !== undefined,
  );
  const prefix = tag.name.slice(0, at);
  if (at < 0 || /[{}]/.test(prefix)) return [];
  const version = scheme.parse(tag.name.slice(at))!;
  const chart = /chart|helm/i.test(prefix);
  let pattern = `${prefix}{version}`;
  if (chart && charts.length > 1) {
    const name = [...charts].sort((a, b) => b.length - a.length).find((c) => prefix.includes(c));
    if (name) pattern = pattern.replace(name, "{chart}");
  }
  return [{ tag, pattern, version, chart }];
}
