import semver from "semver";
import {
  aliasesOf,
  prereleaseOf,
  SCHEMES,
  schemeOf,
  type VersionScheme,
  type VersionSchemeName,
} from "./version-schemes.js";

/**
 * Every tag and version format charthouse writes or reads, in one place: image tags
 * (nightly, sha, release), chart versions (nightly prereleases, OCI tags of versions),
 * alias names, and the release-tag patterns of charthouse.yaml's policy (how a pushed git
 * tag is read, and the CI tag filters compiled from them). No other file spells one, but for the version schemes
 * a project may number its releases by (version-schemes.ts), which these take as an argument.
 */

// ── Image tags ──────────────────────────────────────────────────────────────

/** A UTC date (YYYY-MM-DD) as the stamp nightlies carry: `20261124`. */
export function dateStamp(date: string): string {
  return date.replaceAll("-", "");
}

/** The nightly image tag of a UTC date stamp (YYYYMMDD): `nightly-20261124`. */
export function nightlyTag(stamp: string): string {
  return `nightly-${stamp}`;
}

/** The stamp of a nightly image tag, or undefined when `tag` is not one. */
export function nightlyStampOf(tag: string | undefined): string | undefined {
  return tag?.match(/^nightly-(\d{8})$/)?.[1];
}

/** The rolling alias every nightly moves. */
export const NIGHTLY_ALIAS = "nightly";

/** The immutable tag of a default-branch push: `sha-1a2b3c4`. */
export function shaTag(commit: string): string {
  return `sha-${shortCommit(commit)}`;
}

/** A commit as people read it: its first 7 hex digits. */
export function shortCommit(commit: string): string {
  return commit.slice(0, 7);
}

/** Branch names may hold `/`, which a tag cannot: `release/5.x` → `release-5.x`. */
export function aliasForBranch(branch: string): string {
  return branch
    .replace(/[^A-Za-z0-9_.-]/g, "-")
    .replace(/^[.-]+/, "")
    .slice(0, 128);
}

/**
 * Which moving tags a release gets, given the releases already in its repository:
 * `X.Y` when it is the highest of its minor line, `X` the highest of its major line,
 * `latest` the highest of all. A prerelease gets none. Under another scheme, that scheme's lines
 * (`aliasesOf`).
 */
export function releaseAliases(
  version: string,
  tags: Iterable<string>,
  scheme: VersionScheme = SCHEMES.semver,
): string[] {
  if (scheme.name !== "semver") return aliasesOf(scheme, version, tags);
  if (semver.prerelease(version) !== null) return [];
  const releases = releaseVersions(tags);
  const major = semver.major(version);
  const minor = semver.minor(version);
  const atLeast = (others: string[]): boolean => {
    const top = highest(others);
    return top === undefined || semver.gte(version, top);
  };
  const aliases: string[] = [];
  if (atLeast(releases.filter((v) => semver.major(v) === major && semver.minor(v) === minor)))
    aliases.push(`${major}.${minor}`);
  if (atLeast(releases.filter((v) => semver.major(v) === major))) aliases.push(`${major}`);
  if (atLeast(releases)) aliases.push("latest");
  return aliases;
}

// ── Versions and their OCI tags ─────────────────────────────────────────────

/** Strict semver as written (semver.valid also takes `v1.2.3` and drops `+build`). */
export function isSemver(version: string): boolean {
  return /^\d/.test(version) && !/\s/.test(version) && semver.valid(version) !== null;
}

/**
 * OCI tags cannot hold `+`, so helm pushes `1.2.3+build.4` as the tag `1.2.3_build.4`.
 * charthouse refuses to publish such versions (other tools then read `_build.4` as part
 * of the prerelease or not at all), but reads them back this way when they exist.
 */
export function tagToVersion(tag: string): string | undefined {
  const version = tag.replaceAll("_", "+");
  return isSemver(version) ? version : undefined;
}

/** The OCI tag for a chart version, as helm writes it. */
export function versionToTag(version: string): string {
  return version.replaceAll("+", "_");
}

/** Versions among `tags` that are releases: valid semver without a prerelease part. */
export function releaseVersions(tags: Iterable<string>): string[] {
  const out: string[] = [];
  for (const tag of tags) {
    const version = tagToVersion(tag);
    if (version && semver.prerelease(version) === null) out.push(version);
  }
  return out;
}

/** The highest of `versions`, or undefined for none. */
export function highest(versions: readonly string[]): string | undefined {
  let top: string | undefined;
  for (const v of versions) if (top === undefined || semver.gt(v, top)) top = v;
  return top;
}

/** A nightly chart version: `<base>-nightly.YYYYMMDD`. */
export function nightlyChartVersionOf(base: string, stamp: string): string {
  return `${base}-nightly.${stamp}`;
}

/**
 * The chart version of a prerelease run: Chart.yaml's version with the release's
 * prerelease part (`3.7.4` + `5.0.0-rc.1` → `3.7.4-rc.1`), so a candidate never takes the
 * release's own, immutable, version; a Chart.yaml version that is a prerelease already is kept. The release's
 * prerelease is read by its scheme (`10.0-rc1` → `rc1`, `26.08.0-dev` → `dev`).
 */
export function prereleaseChartVersion(
  chartVersion: string,
  releaseVersion: string,
  scheme: VersionScheme = SCHEMES.semver,
): string {
  const pre =
    scheme.name === "semver" ? semver.prerelease(releaseVersion)?.join(".") : prereleaseOf(scheme, releaseVersion);
  if (pre === undefined || semver.prerelease(chartVersion) !== null) return chartVersion;
  return `${chartVersion.split("+")[0]}-${pre}`;
}

/** Whether a version's prerelease part is a nightly's (`nightly.YYYYMMDD`). */
export function isNightlyPrerelease(prerelease: readonly (string | number)[] | null): boolean {
  return prerelease !== null && /^nightly\.\d{8}$/.test(prerelease.join("."));
}

// ── Release-tag patterns (charthouse.yaml policy) ───────────────────────────

const CHART_NAME = "[a-z0-9]+(?:[._-][a-z0-9]+)*";
const VERSION_SHAPE = String.raw`\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?`;

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/** `{chart}-chart-v{version}` → /^(?<chart>…)-chart-v(?<version>.+)$/: reads a pushed git tag. */
export function tagPatternRegex(pattern: string): RegExp {
  const parts = pattern.split(/(\{chart\}|\{version\})/).map((part) => {
    if (part === "{chart}") return `(?<chart>${CHART_NAME}?)`;
    if (part === "{version}") return "(?<version>.+)";
    return escapeRegex(part);
  });
  return new RegExp(`^${parts.join("")}$`);
}

/** A tag of the pattern's shape, for messages: `v1.2.3`, `mychart-chart-v1.2.3`. */
export function tagPatternExample(pattern: string, version = "1.2.3"): string {
  return pattern.replace("{version}", version).replace("{chart}", "mychart");
}

/** The two tag patterns of a policy, and how its releases are numbered (absent: semver; charts always are). */
export interface TagPatterns {
  readonly releaseTag: string;
  readonly chartReleaseTag: string;
  readonly versions?: VersionSchemeName;
}

/**
 * CircleCI tag filters (`/…/`, one per pattern: CircleCI runs on a tag any of them matches) matching exactly the
 * release and chart-release tags of the two patterns.
 */
export function circleTagFilters(patterns: TagPatterns): string[] {
  const shapes = [schemeOf(patterns).regex, VERSION_SHAPE];
  return [patterns.releaseTag, patterns.chartReleaseTag].map(
    (pattern, i) =>
      `/^${pattern
        .split(/(\{version\}|\{chart\})/)
        .map((part) => (part === "{version}" ? shapes[i] : part === "{chart}" ? CHART_NAME : escapeRegex(part)))
        .join("")}$/`,
  );
}

/** GitHub Actions `push: tags:` globs for the two patterns. */
export function githubTagGlobs(patterns: TagPatterns): string[] {
  const globs = [schemeOf(patterns).glob, SCHEMES.semver.glob];
  return [patterns.releaseTag, patterns.chartReleaseTag].map((p, i) =>
    p.replace("{version}", globs[i]!).replace("{chart}", "*"),
  );
}

/** Chart names the ambiguity check assumes when a file declares none yet: charts may be added later. */
const SAMPLE_CHARTS = ["app", "my-app", "my.app"];

/**
 * A tag both patterns read as a valid semver release (the release pattern as a release,
 * the chart pattern as a release of one of `charts`), or undefined when none does.
 * Versions are semver, so `{version}` and `{chart}-{version}` never collide (no semver
 * starts with a chart's name), while `v{version}` and `v{version}-{chart}` do
 * (`v1.2.3-app` is release 1.2.3-app). Candidates: every chart tag over versions built
 * from the other pattern's literal text, and every release tag likewise; a collision
 * needs one side's literal text inside the other's version, so these find it.
 */
export function tagReadTwice(patterns: TagPatterns, charts: readonly string[]): string | undefined {
  const scheme = schemeOf(patterns);
  const names = charts.length ? charts : SAMPLE_CHARTS;
  const literals = (pattern: string) =>
    pattern.split(/\{chart\}|\{version\}/).flatMap((part) => part.match(/[0-9A-Za-z][0-9A-Za-z.-]*/g) ?? []);
  const suffixes = [...literals(patterns.releaseTag), ...literals(patterns.chartReleaseTag), ...names].flatMap((l) => [
    l,
    `${l}.1`,
    `1-${l}`,
  ]);
  const versions = ["1.2.3", "1.2.3-rc.1", "10.0.0-beta.2", ...suffixes.map((s) => `1.2.3-${s}`)].filter(isSemver);
  // A release of another scheme: its examples, and each with the same suffixes as a prerelease.
  const releases =
    scheme.name === "semver"
      ? versions
      : [...scheme.examples, ...suffixes.map((s) => `${scheme.examples[0]}-${s}`)].filter((v) => scheme.parse(v));
  const chartTags = names.flatMap((chart) => versions.map((v) => fillTagPattern(patterns.chartReleaseTag, chart, v)));
  const releaseTags = releases.map((v) => fillTagPattern(patterns.releaseTag, names[0]!, v));
  const readsAsRelease = (tag: string) => {
    const version = tagPatternRegex(patterns.releaseTag).exec(tag)?.groups?.version;
    return (
      version !== undefined && (scheme.name === "semver" ? isSemver(version) : scheme.parse(version) !== undefined)
    );
  };
  const readsAsChart = (tag: string) =>
    names.some(
      (chart) => semverOf(tagPatternRegex(fillChart(patterns.chartReleaseTag, chart)).exec(tag)) !== undefined,
    );
  return [...chartTags, ...releaseTags].find((tag) => readsAsRelease(tag) && readsAsChart(tag));
}

function fillChart(pattern: string, chart: string): string {
  return pattern.replace("{chart}", chart);
}

function fillTagPattern(pattern: string, chart: string, version: string): string {
  return fillChart(pattern, chart).replace("{version}", version);
}

function semverOf(match: RegExpExecArray | null): string | undefined {
  const version = match?.groups?.version;
  return version !== undefined && isSemver(version) ? version : undefined;
}
