import semver from "semver";
import { highest, nightlyChartVersionOf, releaseVersions } from "./formats.js";

/**
 * A nightly chart version, `<base>-nightly.YYYYMMDD`: base is Chart.yaml's version
 * when higher than every published release, else the next patch of the highest, so a
 * nightly always sorts above the last release (and below the next one).
 */
export function nightlyChartVersion(chartVersion: string, publishedTags: Iterable<string>, stamp: string): string {
  const own = semver.parse(chartVersion);
  if (!own) throw new Error(`bug: Chart.yaml version ${chartVersion} passed validation but is not semver`);
  const base = `${own.major}.${own.minor}.${own.patch}`;
  const top = highest(releaseVersions(publishedTags));
  const chosen = top === undefined || semver.gt(base, top) ? base : semver.inc(top, "patch")!;
  return nightlyChartVersionOf(chosen, stamp);
}

/**
 * Why a chart release at `version` must not be published, or undefined when it may. A
 * release version must be new (the immutability check) but need not be the highest:
 * a maintained older line (a backport) publishes its own, lower, chart versions.
 */
export function chartReleaseProblem(name: string, version: string, relativePath: string): string | undefined {
  if (version.includes("+")) {
    return (
      `chart ${name} ${version} has build metadata, which OCI tags cannot hold; set version in ` +
      `${relativePath}/Chart.yaml without the +… part`
    );
  }
  return undefined;
}
