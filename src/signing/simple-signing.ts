import { createHash, createPublicKey, verify, type KeyObject } from "node:crypto";

/** One layer of a cosign signature manifest (`sha256-<hex>.sig`): its payload and the signature annotation over it. */
export interface SignatureLayer {
  /** The layer's digest as the manifest lists it. */
  readonly digest: string;
  /** The layer's bytes: a "simple signing" JSON payload. */
  readonly payload: Buffer;
  /** `dev.cosignproject.cosign/signature`: base64 of the signature over the payload. */
  readonly signature?: string;
}

export type Verdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** The annotation cosign puts the signature in. */
export const SIGNATURE_ANNOTATION = "dev.cosignproject.cosign/signature";

/**
 * Whether `layers` (a `.sig` manifest's) hold a signature by `publicKeyPem` of exactly
 * `digest`: a payload that is the layer it claims to be, names `digest` as the signed
 * manifest, and whose signature verifies with the key. What cosign verify checks in
 * key-pair mode without a transparency log, without cosign: the updater needs only the
 * registry and this. The reason of a refusal names the first thing wrong, most telling first.
 */
export function verifySignatureLayers(
  layers: readonly SignatureLayer[],
  digest: string,
  publicKeyPem: string,
): Verdict {
  if (layers.length === 0) return { ok: false, reason: NOT_SIGNED };
  const key = createPublicKey(publicKeyPem);
  return verdictOf(layers.map((layer) => layerProblem(layer, digest, key)));
}

/** The refusal of a digest nothing in the registry signs, by tag or as a referrer. */
export const NOT_SIGNED = "it is not signed (no cosign signature in the registry)";

/** What is wrong with one layer as a signature of `digest` by `key`, or null when it is one. */
export function layerProblem(layer: SignatureLayer, digest: string, key: KeyObject): string | null {
  if (`sha256:${createHash("sha256").update(layer.payload).digest("hex")}` !== layer.digest)
    return "a signature payload does not match its digest (tampered)";
  let signed: unknown;
  try {
    signed = (
      JSON.parse(layer.payload.toString("utf8")) as { critical?: { image?: { "docker-manifest-digest"?: unknown } } }
    ).critical?.image?.["docker-manifest-digest"];
  } catch {
    return "a signature payload is not JSON";
  }
  if (!layer.signature || !verify("sha256", layer.payload, key, Buffer.from(layer.signature, "base64")))
    return "its signature does not verify with the key (signed by another key, or altered)";
  if (signed !== digest) return `its signature is of ${String(signed)}, not of ${digest}`;
  return null;
}

/**
 * Accepted when one piece of evidence held (null: nothing wrong with it); else the most
 * telling of the problems found, or NOT_SIGNED when there was no evidence at all.
 */
export function verdictOf(problems: readonly (string | null)[]): Verdict {
  if (problems.length === 0) return { ok: false, reason: NOT_SIGNED };
  if (problems.includes(null)) return { ok: true };
  const reasons = problems as string[];
  const order = ["tampered", "not of", "does not verify", "not JSON", "not a signature"];
  const first = order.map((word) => reasons.find((r) => r.includes(word))).find((r) => r !== undefined) ?? reasons[0]!;
  return { ok: false, reason: first };
}

/** An image a chart pins, as its pinned-images annotation names it (`repository:tag@sha256:…`). */
export interface PinnedImage {
  readonly reference: string;
  readonly repository: string;
  readonly digest: string;
}

/** The images of a pinned-images annotation; entries that are no `repository[:tag]@sha256:…` are left out. */
export function parsePinnedImages(annotation: string | undefined): PinnedImage[] {
  return (annotation ?? "")
    .split(",")
    .map((s) => s.trim())
    .flatMap((reference) => {
      const m = /^([^@\s]+?)(?::[\w][\w.-]{0,127})?@(sha256:[0-9a-f]{64})$/.exec(reference);
      return m ? [{ reference, repository: m[1]!, digest: m[2]! }] : [];
    });
}
