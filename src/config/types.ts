/** charthouse.yaml after validation: every default filled in, every path absolute. */
import type { VersionSchemeName } from "../plan/version-schemes.js";

export interface ImageConfig {
  readonly name: string;
  /** Repository path under the registry (defaults to name). */
  readonly repository: string;
  /** Absolute build context directory. */
  readonly context: string;
  /** Absolute Dockerfile path. */
  readonly dockerfile: string;
  readonly target?: string;
  readonly buildArgs: Readonly<Record<string, string>>;
  readonly platforms: readonly string[];
  readonly smoke?: readonly string[];
}

/** A service's image built from the repository for the test gate only: never pushed. Paths absolute. */
export interface ServiceBuildConfig {
  readonly context: string;
  readonly dockerfile: string;
  readonly target?: string;
  readonly buildArgs: Readonly<Record<string, string>>;
}

export interface ServiceConfig {
  readonly name: string;
  /** An image reference, or the name of an image from `images`; absent when the service is built (`build`). */
  readonly image?: string;
  readonly build?: ServiceBuildConfig;
  /** The port it listens on, when it says: services reach one another by name, with or without it. */
  readonly port?: number;
  readonly env: Readonly<Record<string, string>>;
  readonly command?: readonly string[];
  readonly ready?: readonly string[];
  readonly readyTimeoutSeconds: number;
}

export interface TestConfig {
  /** Name of the image the tests run in. */
  readonly image: string;
  readonly command: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly services: readonly ServiceConfig[];
  /** Absolute paths kept between runs as cache volumes. */
  readonly caches: readonly string[];
}

export interface PinConfig {
  readonly image: string;
  readonly repository?: string;
  readonly tag: string;
  readonly digest?: string;
}

export interface ChartConfig {
  /** Absolute chart directory. */
  readonly path: string;
  /** Path relative to the config file, as written (for messages and plans). */
  readonly relativePath: string;
  /** The chart's name, from its Chart.yaml. */
  readonly name: string;
  /** Chart.yaml's version and appVersion as found on disk. */
  readonly version: string;
  readonly appVersion?: string;
  /** Repository path under the registry the chart is pushed into (`charts`). */
  readonly repository: string;
  readonly pins: readonly PinConfig[];
  /**
   * Where a release's chart version comes from: `release`, the release tag's version (Chart.yaml's own version is
   * then ignored); absent or `chart`, Chart.yaml.
   */
  readonly versionFrom?: "chart" | "release";
}

export interface PolicyConfig {
  readonly releaseTag: string;
  readonly chartReleaseTag: string;
  readonly defaultBranch: string;
  /** How the project numbers its releases; absent: semver. */
  readonly versions?: VersionSchemeName;
}

export interface Config {
  /** Absolute path of the charthouse.yaml this came from. */
  readonly file: string;
  /** Directory of that file: every relative path is relative to it. */
  readonly root: string;
  readonly registry: string;
  /** The registry speaks plain HTTP, not HTTPS (an in-house registry without TLS). */
  readonly plainHttp: boolean;
  readonly source?: string;
  readonly images: readonly ImageConfig[];
  readonly test?: TestConfig;
  readonly charts: readonly ChartConfig[];
  readonly policy: PolicyConfig;
}

/** One problem in a config file, located precisely enough to jump to. */
export interface ConfigProblem {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** Dotted path of the field, e.g. `images[1].target`. */
  readonly field: string;
  readonly message: string;
  /** What to do about it. */
  readonly fix: string;
}

export type ConfigResult =
  | { readonly ok: true; readonly config: Config; readonly warnings: readonly ConfigProblem[] }
  | { readonly ok: false; readonly errors: readonly ConfigProblem[]; readonly warnings: readonly ConfigProblem[] };

export const DEFAULT_POLICY: PolicyConfig = {
  releaseTag: "v{version}",
  chartReleaseTag: "{chart}-chart-v{version}",
  defaultBranch: "main",
};
