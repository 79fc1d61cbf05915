import { createHash } from "node:crypto";
import { MEDIA_TYPES, type RegistryClient } from "../../src/registry/index.js";

export const sha256 = (b: Buffer | string): string => `sha256:${createHash("sha256").update(b).digest("hex")}`;

/**
 * Uploads one gzipped layer and an image config, then puts their OCI manifest at `reference`
 * (a tag; by default the manifest's own digest, as an index's child is pushed) and returns
 * its digest: a real image straight through the distribution API, with no build.
 */
export async function pushOneLayerImage(
  client: RegistryClient,
  repository: string,
  layer: Buffer,
  config: object,
  reference?: string,
): Promise<{ digest: string; size: number }> {
  return pushImage(client, repository, [layer], config, reference);
}

/** As pushOneLayerImage, with the gzipped layers in order (a blob the registry holds already is sent again: cheap). */
export async function pushImage(
  client: RegistryClient,
  repository: string,
  layers: readonly Buffer[],
  config: object,
  reference?: string,
): Promise<{ digest: string; size: number }> {
  const configBytes = Buffer.from(JSON.stringify(config));
  for (const blob of [...layers, configBytes]) await client.uploadBlob(repository, sha256(blob), blob);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociManifest,
      config: {
        mediaType: "application/vnd.oci.image.config.v1+json",
        digest: sha256(configBytes),
        size: configBytes.length,
      },
      layers: layers.map((layer) => ({
        mediaType: "application/vnd.oci.image.layer.v1.tar+gzip",
        digest: sha256(layer),
        size: layer.length,
      })),
    }),
  );
  const digest = await client.putManifest(repository, reference ?? sha256(manifest), {
    mediaType: MEDIA_TYPES.ociManifest,
    bytes: manifest,
  });
  return { digest, size: manifest.length };
}
