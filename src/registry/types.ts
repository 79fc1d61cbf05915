// What a registry holds, as charthouse reads it: produced by src/registry, read by the planner.
// Types and constants only, so the pure planner may import them.

/** The OCI annotation keys charthouse writes (image labels, chart manifest annotations). */
export const OCI = {
  source: "org.opencontainers.image.source",
  revision: "org.opencontainers.image.revision",
  version: "org.opencontainers.image.version",
  created: "org.opencontainers.image.created",
} as const;

/** What the registry holds for one tag: enough to decide skip, refuse or move. */
export interface TagRecord {
  readonly digest: string;
  /** The commit it was built from (image label / chart annotation org.opencontainers.image.revision). */
  readonly revision?: string;
  /** org.opencontainers.image.version, when known. */
  readonly version?: string;
  /** org.opencontainers.image.created, when known. */
  readonly created?: string;
}

/**
 * A tag the registry lists but that was not inspected: the planner may use its name (to
 * rank releases, pick a nightly base) but not its digest or revision. The registry reader
 * inspects exactly the tags its caller names: the planner's `inspectionTargets`, the ones the planner reads.
 */
export const LISTED = "listed" as const;

/** Per full repository (`ghcr.io/samvera/dassie`), its tags. Repositories absent hold nothing. */
export interface RegistryState {
  readonly repositories: Readonly<Record<string, Readonly<Record<string, TagRecord | typeof LISTED>>>>;
}
