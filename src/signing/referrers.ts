/**
 * Where a registry keeps what is said about a manifest. `referrers`: the registry answers the
 * OCI 1.1 referrers API, and cosign writes each signature and attestation as a sigstore
 * bundle in a manifest whose `subject` is the signed digest (`--new-bundle-format`), found by
 * `GET /v2/<name>/referrers/<digest>` — no tag. `tags`: it does not (distribution 2.8), and
 * cosign writes the `sha256-<hex>.sig` and `.att` tags (src/signing/tags.ts).
 */
export type SignatureMode = "referrers" | "tags";

/**
 * The mode for a registry, from one probe of its referrers API on a digest it holds: the
 * referrers it listed (an empty list is an answer), or null when it has no such API.
 */
export function signatureMode(referrers: readonly unknown[] | null): SignatureMode {
  return referrers === null ? "tags" : "referrers";
}

/** What the progress line says after what a signing step wrote (`1 signature(s)…`): where it went. */
export function signatureModeNote(mode: SignatureMode): string {
  return mode === "referrers" ? " as OCI 1.1 referrers" : "; tag scheme: the registry has no referrers API";
}

/** The media type of a sigstore bundle (v0.3): the referrer manifest's artifactType and its one layer's type. */
export const BUNDLE_MEDIA_TYPE = "application/vnd.dev.sigstore.bundle.v0.3+json";

/** The annotation cosign puts on a bundle's referrer manifest: the in-toto predicate type the bundle holds. */
export const BUNDLE_PREDICATE_ANNOTATION = "dev.sigstore.bundle.predicateType";

/** The predicate type of a bundle that is a signature (`cosign sign --new-bundle-format`), not an attestation. */
export const SIGN_PREDICATE = "https://sigstore.dev/cosign/sign/v1";

/** A referrer as the referrers API lists it: its digest and the annotations of its manifest. */
export interface ReferrerView {
  readonly digest: string;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** The predicate type of a listed referrer that is a sigstore bundle, else undefined (another tool's referrer). */
export function bundlePredicateType(referrer: ReferrerView): string | undefined {
  return referrer.annotations?.[BUNDLE_PREDICATE_ANNOTATION];
}

/**
 * What a subject's referrers say is done: signed when a signature bundle names it, and the
 * predicate types of the attestation bundles that do. The listing is enough (the spec has the
 * registry copy each referrer's annotations into it): no bundle is read to decide.
 */
export function referrerState(referrers: readonly ReferrerView[]): { signed: boolean; attested: string[] } {
  const types = referrers.map(bundlePredicateType).filter((t): t is string => t !== undefined);
  return { signed: types.includes(SIGN_PREDICATE), attested: [...new Set(types.filter((t) => t !== SIGN_PREDICATE))] };
}

/** The referrers of a subject that are signature bundles: what a verifier reads. */
export function signatureReferrers<R extends ReferrerView>(referrers: readonly R[]): R[] {
  return referrers.filter((r) => bundlePredicateType(r) === SIGN_PREDICATE);
}
