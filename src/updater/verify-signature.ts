import type { RegistryClient } from "../registry/client.js";
import { PINNED_IMAGES_ANNOTATION } from "../chart/stage-recipe.js";
import {
  parsePinnedImages,
  SIGNATURE_ANNOTATION,
  signatureTag,
  verifySignatureLayers,
  type Verdict,
} from "../signing/index.js";

/**
 * Whether the manifest `digest` of `repository` carries a cosign signature by
 * `publicKeyPem`, read where cosign writes it (`sha256-<hex>.sig`): the decision is
 * src/signing's, this only reads the signature manifest and its payloads.
 */
export async function verifySigned(
  client: RegistryClient,
  repository: string,
  digest: string,
  publicKeyPem: string,
): Promise<Verdict> {
  const manifest = await client.getManifest(repository, signatureTag(digest));
  if (!manifest) return verifySignatureLayers([], digest, publicKeyPem);
  const layers =
    (
      JSON.parse(manifest.bytes.toString("utf8")) as {
        layers?: { digest: string; annotations?: Record<string, string> }[];
      }
    ).layers ?? [];
  const read = await Promise.all(
    layers.map(async (l) => ({
      digest: l.digest,
      payload: await client.getBlob(repository, l.digest),
      signature: l.annotations?.[SIGNATURE_ANNOTATION],
    })),
  );
  return verifySignatureLayers(read, digest, publicKeyPem);
}

/**
 * Whether a chart version and every image it pins carry signatures by `publicKeyPem`: the
 * chart's own first, then each image its Chart.yaml names in the pinned-images annotation
 * (read from the chart's config, which the chart's signed digest covers). The first
 * refusal says which artifact and why.
 */
export async function verifyChartAndImages(
  client: RegistryClient,
  repository: string,
  manifest: { digest: string; bytes: Buffer },
  publicKeyPem: string,
): Promise<Verdict> {
  const chart = await verifySigned(client, repository, manifest.digest, publicKeyPem);
  if (!chart.ok) return chart;
  const configDigest = (JSON.parse(manifest.bytes.toString("utf8")) as { config?: { digest?: string } }).config?.digest;
  if (!configDigest) return { ok: false, reason: "its manifest names no config" };
  const config = JSON.parse((await client.getBlob(repository, configDigest)).toString("utf8")) as {
    annotations?: Record<string, string>;
  };
  for (const image of parsePinnedImages(config.annotations?.[PINNED_IMAGES_ANNOTATION])) {
    const verdict = await verifySigned(client, image.repository, image.digest, publicKeyPem);
    if (!verdict.ok)
      return { ok: false, reason: `the image it pins, ${image.reference}: ${verdict.reason.replace(/^it /, "")}` };
  }
  return { ok: true };
}
