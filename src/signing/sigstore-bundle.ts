import { createHash, createPublicKey, verify, type KeyObject } from "node:crypto";
import { SIGN_PREDICATE } from "./referrers.js";
import { layerProblem, verdictOf, type SignatureLayer, type Verdict } from "./simple-signing.js";

/** The one layer of a signature bundle's referrer manifest: a sigstore bundle (JSON) and the digest it is named by. */
export interface SignatureBundle {
  readonly digest: string;
  readonly bytes: Buffer;
}

const IN_TOTO = "application/vnd.in-toto+json";

/**
 * Whether a digest is signed by `publicKeyPem`, from what the registry holds of it either
 * way: the layers of its `.sig` tag and the signature bundles among its referrers. One piece
 * of evidence that holds is enough; else the refusal names the most telling problem.
 */
export function verifySignatures(
  found: { readonly layers: readonly SignatureLayer[]; readonly bundles: readonly SignatureBundle[] },
  digest: string,
  publicKeyPem: string,
): Verdict {
  if (found.layers.length + found.bundles.length === 0) return verdictOf([]);
  const key = createPublicKey(publicKeyPem);
  return verdictOf([
    ...found.layers.map((layer) => layerProblem(layer, digest, key)),
    ...found.bundles.map((bundle) => bundleProblem(bundle, digest, key)),
  ]);
}

/**
 * What is wrong with one sigstore bundle as a signature of `digest` by `key`, or null when it
 * is one: what `cosign verify` checks of a `cosign sign --new-bundle-format` bundle in
 * key-pair mode without a transparency log. Its DSSE envelope's signature over the
 * pre-authentication encoding of its payload verifies with the key, and the payload is an
 * in-toto statement of cosign's signature predicate whose subject is `digest`.
 */
export function bundleProblem(bundle: SignatureBundle, digest: string, key: KeyObject): string | null {
  if (`sha256:${createHash("sha256").update(bundle.bytes).digest("hex")}` !== bundle.digest)
    return "a signature bundle does not match its digest (tampered)";
  let envelope: { payload?: unknown; payloadType?: unknown; signatures?: { sig?: unknown }[] } | undefined;
  try {
    envelope = (JSON.parse(bundle.bytes.toString("utf8")) as { dsseEnvelope?: typeof envelope }).dsseEnvelope;
  } catch {
    return "a signature bundle is not JSON";
  }
  if (typeof envelope?.payload !== "string" || envelope.payloadType !== IN_TOTO)
    return "a signature bundle holds no in-toto DSSE envelope: not a signature";
  const payload = Buffer.from(envelope.payload, "base64");
  const signed = pae(IN_TOTO, payload);
  const sigs = (envelope.signatures ?? []).map((s) => s.sig).filter((s): s is string => typeof s === "string");
  if (!sigs.some((sig) => verify("sha256", signed, key, Buffer.from(sig, "base64"))))
    return "its signature does not verify with the key (signed by another key, or altered)";
  let statement: { predicateType?: unknown; subject?: { digest?: Record<string, unknown> }[] };
  try {
    statement = JSON.parse(payload.toString("utf8")) as typeof statement;
  } catch {
    return "a signature bundle's statement is not JSON";
  }
  if (statement.predicateType !== SIGN_PREDICATE)
    return `a bundle of ${String(statement.predicateType)} is an attestation, not a signature`;
  const subjects = (statement.subject ?? []).map((s) => `sha256:${String(s.digest?.sha256)}`);
  if (!subjects.includes(digest)) return `its signature is of ${subjects.join(", ") || "nothing"}, not of ${digest}`;
  return null;
}

/** DSSE's pre-authentication encoding: what the envelope's signatures sign. */
function pae(type: string, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`DSSEv1 ${Buffer.byteLength(type)} ${type} ${payload.length} `), payload]);
}
