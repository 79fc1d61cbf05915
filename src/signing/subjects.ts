import { PREDICATE } from "./provenance.js";
import { attestationTag, signatureTag } from "./tags.js";

/** What the registry returned for a manifest: its media type and parsed body. */
export interface ManifestView {
  readonly mediaType: string;
  readonly body: unknown;
}

const INDEX_TYPES = new Set([
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
]);

/**
 * One digest to sign, and what it is: a platform image (signed, with an SBOM and a
 * provenance), an image index (signed, with a provenance), a chart (signed, with a
 * provenance), or another manifest an index lists, such as BuildKit's attestation
 * manifest (signed only).
 */
export interface Subject {
  readonly digest: string;
  readonly kind: "image" | "index" | "chart" | "other";
}

/**
 * The digests one pushed name stands for, each to be signed: an image index and every
 * manifest it lists, children first; a plain manifest is itself alone. A verifier may be
 * handed either: `cosign verify` of the index by its tag, a node's runtime the child for
 * its platform. What the run pushed it as (`artifact`) says image or chart; a chart is
 * never an index.
 */
export function signingSubjects(digest: string, manifest: ManifestView, artifact: "image" | "chart"): Subject[] {
  if (artifact === "chart") return [{ digest, kind: "chart" }];
  if (!INDEX_TYPES.has(manifest.mediaType)) return [{ digest, kind: "image" }];
  const listed =
    (manifest.body as { manifests?: { digest?: unknown; annotations?: Record<string, unknown> }[] }).manifests ?? [];
  const children = new Map<string, Subject>();
  for (const m of listed) {
    if (typeof m.digest !== "string" || !/^sha256:[0-9a-f]{64}$/.test(m.digest) || children.has(m.digest)) continue;
    const attestation = m.annotations?.["vnd.docker.reference.type"] === "attestation-manifest";
    children.set(m.digest, { digest: m.digest, kind: attestation ? "other" : "image" });
  }
  return [...children.values(), { digest, kind: "index" }];
}

/** The predicate types each kind of subject is attested with. */
export function wantedAttestations(kind: Subject["kind"]): string[] {
  switch (kind) {
    case "image":
      return [PREDICATE.sbom, PREDICATE.provenance];
    case "index":
    case "chart":
      return [PREDICATE.provenance];
    case "other":
      return [];
  }
}

/** What a rerun still has to do for one subject, from the tags its repository holds. */
export interface SubjectState extends Subject {
  /** Its `.sig` tag is there: cosign signed it already. */
  readonly signed: boolean;
  /** The predicate types its `.att` tag holds already. */
  readonly attested: readonly string[];
}

/** A signing job for one subject: nothing is signed or attested twice across reruns. */
export interface SubjectWork {
  readonly digest: string;
  readonly sign: boolean;
  readonly attest: readonly string[];
}

/**
 * What is left to do: a signature where none is, and each predicate type its kind wants
 * not yet attested. A subject with nothing left is dropped, so an unchanged rerun does nothing.
 */
export function signingWork(states: readonly SubjectState[]): SubjectWork[] {
  return states
    .map((s) => ({
      digest: s.digest,
      sign: !s.signed,
      attest: wantedAttestations(s.kind).filter((t) => !s.attested.includes(t)),
    }))
    .filter((w) => w.sign || w.attest.length > 0);
}

/** The tags to read for a subject's state: its signature and its attestations. */
export function stateTags(digest: string): { readonly signature: string; readonly attestations: string } {
  return { signature: signatureTag(digest), attestations: attestationTag(digest) };
}

/**
 * The predicate types an attestation manifest (`sha256-<hex>.att`) holds: cosign writes
 * each attestation as a DSSE layer annotated with its `predicateType`.
 */
export function attestedTypes(manifest: ManifestView | null): string[] {
  if (!manifest) return [];
  const layers = (manifest.body as { layers?: { annotations?: Record<string, unknown> }[] }).layers ?? [];
  return [
    ...new Set(layers.map((l) => l.annotations?.predicateType).filter((t): t is string => typeof t === "string")),
  ];
}
