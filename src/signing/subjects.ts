import { attestationTag, signatureTag } from "./tags.js";

/** What the registry returned for a manifest: its media type and parsed body. */
export interface ManifestView {
  readonly mediaType: string;
  readonly body: unknown;
}

const INDEX_TYPES = new Set(["application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json"]);

/**
 * The digests one pushed name stands for, each to be signed: an image index and every
 * manifest it lists (a platform image, or BuildKit's attestation manifest), children
 * first; a plain manifest is itself alone. A verifier may be handed either: `cosign
 * verify` of the index by its tag, a node's runtime the child for its platform.
 */
export function signingSubjects(digest: string, manifest: ManifestView): string[] {
  if (!INDEX_TYPES.has(manifest.mediaType)) return [digest];
  const listed = (manifest.body as { manifests?: { digest?: unknown }[] }).manifests ?? [];
  const children = listed.map((m) => m.digest).filter((d): d is string => typeof d === "string" && /^sha256:[0-9a-f]{64}$/.test(d));
  return [...new Set(children)].concat(digest);
}

/** What a rerun still has to do for one subject, from the tags its repository holds. */
export interface SubjectState {
  readonly digest: string;
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
 * What is left to do: a signature where none is, and each wanted predicate type not yet
 * attested. A subject with nothing left is dropped, so an unchanged rerun does nothing.
 */
export function signingWork(states: readonly SubjectState[], wanted: readonly string[]): SubjectWork[] {
  return states
    .map((s) => ({ digest: s.digest, sign: !s.signed, attest: wanted.filter((t) => !s.attested.includes(t)) }))
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
  return [...new Set(layers.map((l) => l.annotations?.predicateType).filter((t): t is string => typeof t === "string"))];
}
