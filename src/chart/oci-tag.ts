import semver from "semver";

/**
 * OCI tags cannot hold `+`, so helm pushes `1.2.3+build.4` as the tag `1.2.3_build.4`.
 * charthouse refuses to publish such versions (other tools then read `_build.4` as part
 * of the prerelease or not at all), but reads them back this way when they exist.
 */
export function tagToVersion(tag: string): string | undefined {
  const version = tag.replaceAll("_", "+");
  return isSemver(version) ? version : undefined;
}

/** Strict semver as written (semver.valid also takes `v1.2.3` and drops `+build`). */
export function isSemver(version: string): boolean {
  return /^\d/.test(version) && !/\s/.test(version) && semver.valid(version) !== null;
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
