import type { RunContext } from "../context/types.js";

/** The in-toto predicate types charthouse attests, as `cosign attest --type` names them. */
export const PREDICATE = {
  /** SLSA provenance v1 (`--type slsaprovenance1`). */
  provenance: "https://slsa.dev/provenance/v1",
  /** An SPDX 2.x JSON document (`--type spdxjson`), syft's `spdx-json` output. */
  sbom: "https://spdx.dev/Document",
} as const;

/** `cosign attest --type` for each predicate type. */
export const COSIGN_TYPE: Readonly<Record<string, string>> = {
  [PREDICATE.provenance]: "slsaprovenance1",
  [PREDICATE.sbom]: "spdxjson",
};

/** What charthouse knows of how one artifact came to be, when it signs it. */
export interface ProvenanceFacts {
  readonly context: RunContext;
  /** What the artifact is: an image of the plan (its Dockerfile target) or a chart. */
  readonly artifact:
    | {
        readonly kind: "image";
        readonly name: string;
        readonly reference: string;
        readonly target?: string;
        readonly platforms: readonly string[];
      }
    | { readonly kind: "chart"; readonly name: string; readonly reference: string; readonly version: string };
  /** org.opencontainers.image.revision as the artifact carries it. */
  readonly revision?: string;
  /** The digest of the manifest's config (an image's configuration, a chart's Chart.yaml as JSON). */
  readonly configDigest?: string;
  /** The gates the run passed before publishing, each as the progress line named it. */
  readonly gates: readonly string[];
  /** charthouse's own version: the builder. */
  readonly builderVersion: string;
}

const BUILD_TYPE = "https://charthouse.dev/publish/v1";

/**
 * The SLSA v1 provenance predicate of one artifact: the commit it was built from (as a
 * resolved dependency, with the source when the CI names it), the run's trigger, the
 * revision and config digest it carries, the gates it passed. No time of signing: a
 * rerun would write the same statement, and none of it is secret.
 */
export function provenancePredicate(f: ProvenanceFacts): Record<string, unknown> {
  const event = f.context.event;
  return {
    buildDefinition: {
      buildType: BUILD_TYPE,
      externalParameters: {
        event: event.kind,
        ...("tag" in event ? { tag: event.tag } : {}),
        ...("branch" in event ? { branch: event.branch } : {}),
        artifact: f.artifact,
        ...(f.revision ? { revision: f.revision } : {}),
      },
      internalParameters: { gates: f.gates, ci: f.context.ci },
      resolvedDependencies: [
        { uri: f.context.source ? `git+${f.context.source}` : "git", digest: { gitCommit: f.context.commit } },
      ],
    },
    runDetails: {
      builder: { id: `${BUILD_TYPE}#charthouse@${f.builderVersion}` },
      byproducts: f.configDigest
        ? [{ name: "config", digest: { sha256: f.configDigest.replace(/^sha256:/, "") } }]
        : [],
    },
  };
}
