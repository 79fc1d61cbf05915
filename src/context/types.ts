/** What triggered this run. Each variant carries only what that trigger has. */
export type RunEvent =
  | { readonly kind: "nightly" }
  | { readonly kind: "release"; readonly tag: string }
  | { readonly kind: "push"; readonly branch: string }
  | { readonly kind: "pull-request"; readonly number?: number }
  /** A developer's run with no trigger named: gates only. */
  | { readonly kind: "local" }
  /** A CI event that publishes nothing by the policy (a comment, a manual dispatch, …): gates only. */
  | { readonly kind: "other"; readonly name: string };

export type CiSystem = "circleci" | "github-actions" | "local";

/** The facts of one run: everything the planner needs besides config and registry state. */
export interface RunContext {
  readonly event: RunEvent;
  /** Full 40-hex commit the run builds. */
  readonly commit: string;
  /** UTC date of the run, YYYY-MM-DD: the nightly datestamp. */
  readonly date: string;
  /** The commit's time (ISO 8601), used for `created` so reruns produce identical artifacts. */
  readonly created: string;
  readonly ci: CiSystem;
  /** Source repository URL when the CI names one. */
  readonly source?: string;
}
