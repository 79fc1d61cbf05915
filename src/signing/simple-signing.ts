import { createHash, createPublicKey, verify } from "node:crypto";

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
  if (layers.length === 0) return { ok: false, reason: "it is not signed (no cosign signature in the registry)" };
  const key = createPublicKey(publicKeyPem);
  const reasons: string[] = [];
  for (const layer of layers) {
    if (`sha256:${createHash("sha256").update(layer.payload).digest("hex")}` !== layer.digest) {
      reasons.push("a signature payload does not match its digest (tampered)");
      continue;
    }
    let signed: unknown;
    try {
      signed = (
        JSON.parse(layer.payload.toString("utf8")) as { critical?: { image?: { "docker-manifest-digest"?: unknown } } }
      ).critical?.image?.["docker-manifest-digest"];
    } catch {
      reasons.push("a signature payload is not JSON");
      continue;
    }
    if (!layer.signature || !verify("sha256", layer.payload, key, Buffer.from(layer.signature, "base64"))) {
      reasons.push("its signature does not verify with the key (signed by another key, or altered)");
      continue;
    }
    if (signed !== digest) {
      reasons.push(`its signature is of ${String(signed)}, not of ${digest}`);
      continue;
    }
    return { ok: true };
  }
  const order = ["tampered", "not of", "does not verify", "not JSON"];
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
