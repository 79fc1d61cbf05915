import type { RegistryClient } from "../registry/client.js";
import { PINNED_IMAGES_ANNOTATION } from "../chart/stage-recipe.js";
import {
  parsePinnedImages,
  SIGNATURE_ANNOTATION,
  signatureReferrers,
  signatureTag,
  verifySignatures,
  type SignatureBundle,
  type SignatureLayer,
  type Verdict,
} from "../signing/index.js";

/**
 * Whether the manifest `digest` of `repository` carries a cosign signature by
 * `publicKeyPem`, read wherever cosign writes one: the `sha256-<hex>.sig` tag, and the
 * signature bundles among its OCI 1.1 referrers when the registry has that API. The
 * decision is src/signing's; this only reads the registry.
 */
export async function verifySigned(
  client: RegistryClient,
  repository: string,
  digest: string,
  publicKeyPem: string,
): Promise<Verdict> {
  const layers = await tagSignatures(client, repository, digest);
  const byTag = verifySignatures({ layers, bundles: [] }, digest, publicKeyPem);
  // Signed by tag: the referrers need not be asked (nor a registry without the API bothered).
  if (byTag.ok) return byTag;
  const bundles = await referrerSignatures(client, repository, digest);
  return verifySignatures({ layers, bundles }, digest, publicKeyPem);
}

/** The layers of the digest's `.sig` tag, each with its payload: [] when there is none. */
async function tagSignatures(client: RegistryClient, repository: string, digest: string): Promise<SignatureLayer[]> {
  const manifest = await client.getManifest(repository, signatureTag(digest));
  if (!manifest) return [];
  const layers =
    (
      JSON.parse(manifest.bytes.toString("utf8")) as {
        layers?: { digest: string; annotations?: Record<string, string> }[];
      }
    ).layers ?? [];
  return Promise.all(
    layers.map(async (l) => ({
      digest: l.digest,
      payload: await client.getBlob(repository, l.digest),
      signature: l.annotations?.[SIGNATURE_ANNOTATION],
    })),
  );
}

/** The bundle of each signature referrer of the digest: [] when there is none, or no referrers API. */
async function referrerSignatures(
  client: RegistryClient,
  repository: string,
  digest: string,
): Promise<SignatureBundle[]> {
  const referrers = await client.referrers(repository, digest);
  const bundles = await Promise.all(
    signatureReferrers(referrers ?? []).map(async (referrer) => {
      const manifest = await client.getManifest(repository, referrer.digest);
      const layer = manifest && (JSON.parse(manifest.bytes.toString("utf8")) as { layers?: { digest?: unknown }[] });
      const at = layer?.layers?.[0]?.digest;
      return typeof at === "string" ? [{ digest: at, bytes: await client.getBlob(repository, at) }] : [];
    }),
  );
  return bundles.flat();
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
