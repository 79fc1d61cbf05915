import type { RunContext } from "../context/types.js";
import type { VersionSchemeName } from "./version-schemes.js";

/** Whether and how this run publishes an immutable name. */
export type Publication =
  | { readonly action: "push" }
  /** Already there from this very commit: an idempotent rerun. */
  | { readonly action: "skip"; readonly digest: string }
  /** This kind of run publishes nothing for it (pull request, branch, chart-only release). */
  | { readonly action: "none" };

export interface BuildSpec {
  /** The build context and the Dockerfile, relative to the project (POSIX; "." is the project). */
  readonly context: string;
  readonly dockerfile: string;
  readonly target?: string;
  readonly buildArgs: Readonly<Record<string, string>>;
  readonly platforms: readonly string[];
}

export interface ImagePlan {
  readonly name: string;
  /** Full repository, `ghcr.io/samvera/dassie`. */
  readonly repository: string;
  /** The immutable tag this run builds: `5.0.1`, `nightly-20261124`, `sha-1a2b3c4`. */
  readonly tag: string;
  readonly build: BuildSpec;
  readonly labels: Readonly<Record<string, string>>;
  readonly smoke?: readonly string[];
  readonly publication: Publication;
}

export interface ServicePlan {
  readonly name: string;
  /** A full image reference (a built image's `repository:tag` when the config named one). */
  readonly image: string;
  readonly port?: number;
  readonly env: Readonly<Record<string, string>>;
  readonly command?: readonly string[];
  readonly ready?: readonly string[];
  readonly readyTimeoutSeconds: number;
}

export interface TestPlan {
  /** Name of the image the suite runs in. */
  readonly image: string;
  readonly command: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly services: readonly ServicePlan[];
  /** Images services build from the repository (`services[].build`): built for the gate, never pushed. */
  readonly builds: readonly ImagePlan[];
  /** Cache volumes to mount: the same key run after run, so dependencies installed once stay. */
  readonly caches: readonly CachePlan[];
}

/** A cache volume: mounted at `path`, kept between runs under `key`. */
export interface CachePlan {
  readonly path: string;
  readonly key: string;
}

/** An image pinned into a chart's values. */
export interface ChartPin {
  readonly image: string;
  readonly repository: string;
  readonly tag: string;
  /** Known at plan time when the image was already published; otherwise set once it is pushed. */
  readonly digest?: string;
  /** Dotted values keys to write. */
  readonly keys: { readonly repository?: string; readonly tag: string; readonly digest?: string };
}

export interface ChartPlan {
  readonly name: string;
  /** The chart's directory, relative to the project (charthouse.yaml's directory). */
  readonly relativePath: string;
  /** Full repository the chart lands in, `ghcr.io/samvera/charts/hyrax`. */
  readonly repository: string;
  /** What `helm push` takes: `oci://ghcr.io/samvera/charts`. */
  readonly pushTo: string;
  readonly version: string;
  readonly appVersion?: string;
  /** Written into Chart.yaml `annotations`; helm carries them into the OCI manifest. */
  readonly annotations: Readonly<Record<string, string>>;
  readonly pins: readonly ChartPin[];
  readonly publication: Publication;
}

/** How to tell whether an alias would move backwards. */
export type AliasRank =
  /** A release of the project's version scheme (`policy.versions`), ranked by that scheme's order. */
  | { readonly scheme: VersionSchemeName; readonly version: string }
  | { readonly scheme: "nightly"; readonly date: string }
  | { readonly scheme: "commit-time"; readonly created: string };

/**
 * A moving tag to point at this run's immutable tag, compare-and-set: `expect` is
 * the digest the alias held when planned (null: absent). An executor re-reads the
 * alias just before moving and re-decides with `decideAliasMove` if it changed.
 */
export interface AliasMove {
  readonly repository: string;
  readonly alias: string;
  /** The immutable tag whose manifest is copied. */
  readonly from: string;
  readonly expect: string | null;
  readonly rank: AliasRank;
}

export interface Plan {
  /** Format version of the saved plan; checked when read back. */
  readonly version: 1;
  readonly context: RunContext;
  readonly registry: string;
  /** What the run is, in a few words: "nightly 2026-11-24", "release 5.0.1". */
  readonly summary: string;
  readonly images: readonly ImagePlan[];
  readonly test?: TestPlan;
  readonly charts: readonly ChartPlan[];
  readonly aliases: readonly AliasMove[];
  readonly warnings: readonly string[];
}

export type PlanResult =
  { readonly ok: true; readonly plan: Plan } | { readonly ok: false; readonly refusals: readonly string[] };
