import type { RegistryClient } from "../registry/client.js";
import { SIGNATURE_ANNOTATION, signatureTag, verifySignatureLayers, type Verdict } from "../signing/index.js";

/**
 * Whether the manifest `digest` of `repository` carries a cosign signature by
 * `publicKeyPem`, read where cosign writes it (`sha256-<hex>.sig`): the decision is
 * src/signing's, this only reads the signature manifest and its payloads.
 */
export async function verifySigned(client: RegistryClient, repository: string, digest: string, publicKeyPem: string): Promise<Verdict> {
  const manifest = await client.getManifest(repository, signatureTag(digest));
  if (!manifest) return verifySignatureLayers([], digest, publicKeyPem);
  const layers = (JSON.parse(manifest.bytes.toString("utf8")) as { layers?: { digest: string; annotations?: Record<string, string> }[] }).layers ?? [];
  const read = await Promise.all(
    layers.map(async (l) => ({ digest: l.digest, payload: await client.getBlob(repository, l.digest), signature: l.annotations?.[SIGNATURE_ANNOTATION] })),
  );
  return verifySignatureLayers(read, digest, publicKeyPem);
}
