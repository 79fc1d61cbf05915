/**
 * Where cosign looks for what was said about a manifest when the registry has no OCI 1.1
 * referrers API (distribution 2.8 has none, nor does ghcr.io answer it for every client):
 * tags in the manifest's own repository named after its digest. `cosign sign` writes
 * `sha256-<hex>.sig`, `cosign attest` `sha256-<hex>.att`; `cosign verify`, skopeo's
 * sigstoreSigned policy and Flux read the same names.
 */
export function signatureTag(digest: string): string {
  return `${digestStem(digest)}.sig`;
}

/** The tag holding a manifest's attestations (every predicate type, one layer each). */
export function attestationTag(digest: string): string {
  return `${digestStem(digest)}.att`;
}

/** Whether a tag is one of these, never an image or chart the planner should rank. */
export function isSigstoreTag(tag: string): boolean {
  return /^sha256-[0-9a-f]{64}\.(sig|att|sbom)$/.test(tag);
}

function digestStem(digest: string): string {
  const m = /^sha256:([0-9a-f]{64})$/.exec(digest);
  if (!m) throw new Error(`bug: ${JSON.stringify(digest)} is not a sha256 digest`);
  return `sha256-${m[1]}`;
}
