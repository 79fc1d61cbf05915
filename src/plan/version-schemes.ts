/**
 * How a project numbers its releases (`policy.versions`): how a release tag's version is read, in which order
 * versions stand, which moving tags a release makes, what is a prerelease, and whether a version can be a chart's.
 * Each scheme is a few lines of data over one reader and one order, so every rule that holds for semver (aliases
 * compare-and-set and never backwards, prereleases move none) holds for all of them by construction.
 */

export type VersionSchemeName = "semver" | "two-part" | "calver" | "revision";

export const VERSION_SCHEMES: readonly VersionSchemeName[] = ["semver", "two-part", "calver", "revision"];

/** A version as a scheme reads it; `text` is the version verbatim, what images are tagged with. */
export interface Version {
  readonly text: string;
  /** The release's numbers, most significant first: `26.08.0` → [26, 8, 0]; `12.1-0` → [12, 1]. */
  readonly numbers: readonly number[];
  /** The packaging revision (`revision` scheme): `12.1-0` → 0. */
  readonly revision?: number;
  /** The prerelease identifiers (`10.0-rc1` → ["rc1"]); empty for a release. */
  readonly prerelease: readonly string[];
}

export interface VersionScheme {
  readonly name: VersionSchemeName;
  /** The shape, for messages: `MAJOR.MINOR[-PRERELEASE]`. */
  readonly shape: string;
  /** A release and a prerelease of the scheme, for messages and docs. */
  readonly examples: readonly [string, string];
  /** The version written in a tag, or undefined when the text is not one of this scheme. */
  parse(text: string): Version | undefined;
  /** The text of a version's parts, as the scheme writes it: `parse(format(v))` reads `v` back. */
  format(version: Omit<Version, "text">): string;
  /**
   * The moving tags a release makes besides `latest`, narrowest first: each names the line of releases it is the
   * highest of (`12.1-1` → `12.1`, `12`).
   */
  lines(version: Version): string[];
  /** The SemVer 2 chart version of a version, when the scheme has one. */
  readonly chartVersion?: (version: Version) => string;
  /** Why the scheme's versions cannot be chart versions, when they cannot. */
  readonly notChartVersion?: string;
  /** A regular expression (source, unanchored) matching exactly the scheme's versions, for CI tag filters. */
  readonly regex: string;
  /** A GitHub Actions tag glob matching every version of the scheme. */
  readonly glob: string;
}

const NUMBER = "(?:0|[1-9]\\d*)";
/** Prerelease identifiers as SemVer 2 allows them, so every prerelease can also be a chart version's. */
const IDENTIFIER = "(?:0|[1-9]\\d*|\\d*[A-Za-z-][0-9A-Za-z-]*)";
const PRERELEASE = `${IDENTIFIER}(?:\\.${IDENTIFIER})*`;

/** `-PRERELEASE` with identifiers joined by dots; what SemVer 2 writes after the version. */
function suffix(version: Pick<Version, "prerelease">): string {
  return version.prerelease.length ? `-${version.prerelease.join(".")}` : "";
}

function reader(
  regex: string,
  build: (groups: Record<string, string | undefined>) => Omit<Version, "text" | "prerelease">,
): (text: string) => Version | undefined {
  const anchored = new RegExp(`^${regex}$`);
  return (text) => {
    const groups = anchored.exec(text)?.groups;
    if (!groups) return undefined;
    return { text, ...build(groups), prerelease: groups.pre === undefined ? [] : groups.pre.split(".") };
  };
}

const numbersOf = (text: string) => text.split(".").map(Number);

const SEMVER_REGEX =
  `(?<major>${NUMBER})\\.(?<minor>${NUMBER})\\.(?<patch>${NUMBER})(?:-(?<pre>${PRERELEASE}))?` +
  "(?:\\+[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)?";
const TWO_PART_REGEX = `(?<major>${NUMBER})\\.(?<minor>${NUMBER})(?:-(?<pre>${PRERELEASE}))?`;
const CALVER_REGEX =
  `(?<year>\\d{2}|[1-9]\\d{3})\\.(?<month>0[1-9]|1[0-2])\\.(?<micro>${NUMBER})` + `(?:-(?<pre>${PRERELEASE}))?`;
/** The prerelease of a revision starts with a letter, so `12.1-1-0` is no prerelease `1` of revision 0. */
const REVISION_REGEX =
  `(?<upstream>${NUMBER}(?:\\.${NUMBER}){0,3})(?:-(?<pre>[A-Za-z][0-9A-Za-z-]*(?:\\.${IDENTIFIER})*))?` +
  `-(?<revision>${NUMBER})`;

export const SCHEMES: Readonly<Record<VersionSchemeName, VersionScheme>> = {
  semver: {
    name: "semver",
    shape: "MAJOR.MINOR.PATCH[-PRERELEASE]",
    examples: ["1.2.3", "1.3.0-rc.1"],
    parse: reader(SEMVER_REGEX, (g) => ({ numbers: [g.major, g.minor, g.patch].map(Number) })),
    format: (v) => `${v.numbers.join(".")}${suffix(v)}`,
    lines: (v) => [`${v.numbers[0]}.${v.numbers[1]}`, `${v.numbers[0]}`],
    chartVersion: (v) => v.text,
    regex: String.raw`\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?`,
    glob: "[0-9]+.[0-9]+.[0-9]+*",
  },
  "two-part": {
    name: "two-part",
    shape: "MAJOR.MINOR[-PRERELEASE]",
    examples: ["10.0", "10.0-rc1"],
    parse: reader(TWO_PART_REGEX, (g) => ({ numbers: [g.major, g.minor].map(Number) })),
    format: (v) => `${v.numbers.join(".")}${suffix(v)}`,
    lines: (v) => [`${v.numbers[0]}`],
    chartVersion: (v) => `${v.numbers[0]}.${v.numbers[1]}.0${suffix(v)}`,
    regex: String.raw`\d+\.\d+(?:-[0-9A-Za-z.-]+)?`,
    glob: "[0-9]+.[0-9]+*",
  },
  calver: {
    name: "calver",
    shape: "YY.MM.MICRO[-PRERELEASE] (the month with its leading zero)",
    examples: ["26.08.0", "26.08.0-dev"],
    parse: reader(CALVER_REGEX, (g) => ({ numbers: [g.year, g.month, g.micro].map(Number) })),
    format: (v) => `${v.numbers.map((n, i) => (i < 2 ? String(n).padStart(2, "0") : n)).join(".")}${suffix(v)}`,
    lines: (v) => [v.text.split(".").slice(0, 2).join(".")],
    notChartVersion:
      "calendar versions keep the month's leading zero (26.08.0), which SemVer 2 forbids and Helm requires of a " +
      "chart version",
    regex: String.raw`\d{2,4}\.\d{2}\.\d+(?:-[0-9A-Za-z.-]+)?`,
    glob: "[0-9]+.[0-9][0-9].[0-9]+*",
  },
  revision: {
    name: "revision",
    shape: "UPSTREAM-REVISION, e.g. 12.1-0 (UPSTREAM-PRERELEASE-REVISION for a prerelease: 13.0-rc1-0)",
    examples: ["12.1-0", "13.0-rc1-0"],
    parse: reader(REVISION_REGEX, (g) => ({ numbers: numbersOf(g.upstream!), revision: Number(g.revision) })),
    format: (v) => `${v.numbers.join(".")}${suffix(v)}-${v.revision}`,
    lines: (v) => v.numbers.map((_, i) => v.numbers.slice(0, v.numbers.length - i).join(".")),
    notChartVersion:
      "a packaging revision has no SemVer 2 form: 12.1.0-1 would be a prerelease, below 12.1.0, which Helm never " +
      "installs as stable",
    regex: String.raw`\d+(?:\.\d+)*(?:-[A-Za-z][0-9A-Za-z.-]*)?-\d+`,
    glob: "[0-9]+*-[0-9]+",
  },
};

/** The scheme of a policy; a policy that names none numbers its releases by semver. */
export function schemeOf(policy: { readonly versions?: VersionSchemeName }): VersionScheme {
  return SCHEMES[policy.versions ?? "semver"];
}

export function isPrerelease(version: Version): boolean {
  return version.prerelease.length > 0;
}

/**
 * The total order of a scheme's versions: numbers, then the revision, then a release above its prereleases, which
 * stand by SemVer 2's rules for identifiers (numeric below alphanumeric; numbers by value); the text last, so two
 * versions compare equal only when written the same.
 */
export function compareVersions(a: Version, b: Version): number {
  const length = Math.max(a.numbers.length, b.numbers.length);
  for (let i = 0; i < length; i++) {
    const d = (a.numbers[i] ?? -1) - (b.numbers[i] ?? -1);
    if (d !== 0) return Math.sign(d);
  }
  const revision = (a.revision ?? -1) - (b.revision ?? -1);
  if (revision !== 0) return Math.sign(revision);
  const pre = comparePrerelease(a.prerelease, b.prerelease);
  if (pre !== 0) return pre;
  return a.text < b.text ? -1 : a.text > b.text ? 1 : 0;
}

function comparePrerelease(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return Math.sign(b.length - a.length);
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = compareIdentifier(a[i]!, b[i]!);
    if (d !== 0) return d;
  }
  return Math.sign(a.length - b.length);
}

function compareIdentifier(a: string, b: string): number {
  const numeric = (s: string) => /^\d+$/.test(s);
  if (numeric(a) && numeric(b)) return Math.sign(Number(a) - Number(b));
  if (numeric(a) !== numeric(b)) return numeric(a) ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Which moving tags a release gets, given the tags its repository holds: each of the scheme's lines when it is the
 * highest release of that line, `latest` when the highest of all. A prerelease, or a text that is no version of the
 * scheme, gets none. Tags that are no release of the scheme (aliases, nightlies, prereleases) do not count.
 */
export function aliasesOf(scheme: VersionScheme, text: string, tags: Iterable<string>): string[] {
  const version = scheme.parse(text);
  if (!version || isPrerelease(version)) return [];
  const releases: Version[] = [];
  for (const tag of tags) {
    const other = scheme.parse(tag);
    if (other && !isPrerelease(other)) releases.push(other);
  }
  const highestOf = (peers: Version[]) => peers.every((peer) => compareVersions(version, peer) >= 0);
  const aliases = scheme
    .lines(version)
    .filter((line) => highestOf(releases.filter((release) => scheme.lines(release).includes(line))));
  if (highestOf(releases)) aliases.push("latest");
  return aliases;
}

/** The prerelease part as a SemVer 2 prerelease (`rc1`, `rc.1`), or undefined for a release. */
export function prereleaseOf(scheme: VersionScheme, text: string): string | undefined {
  const version = scheme.parse(text);
  return version && isPrerelease(version) ? version.prerelease.join(".") : undefined;
}

/** >0 when `a` is newer than `b` under the scheme; undefined when either is no version of it. */
export function compareTexts(scheme: VersionScheme, a: string, b: string | undefined): number | undefined {
  const ours = scheme.parse(a);
  const theirs = b === undefined ? undefined : scheme.parse(b);
  return ours && theirs ? compareVersions(ours, theirs) : undefined;
}
