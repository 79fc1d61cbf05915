import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import { imageIndex, MEDIA_TYPES, type IndexChild, type RegistryClient } from "../../registry/index.js";

const gzipAsync = promisify(gzip);
const sha256 = (bytes: Buffer): string => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
const OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
const OCI_LAYER = {
  gzip: "application/vnd.oci.image.layer.v1.tar+gzip",
  zstd: "application/vnd.oci.image.layer.v1.tar+zstd",
} as const;

/** One platform's build, as `docker save` wrote it and `tar -x` unpacked it into `dir`. */
export interface SavedVariant {
  readonly platform: string;
  readonly dir: string;
}

/**
 * Pushes a multi-platform image: each platform's build by digest (its config and
 * gzipped layers as blobs, an OCI manifest naming them; no tag, so nothing but the index
 * names them), then the OCI index of them, annotated with `annotations`, at `reference`
 * (`repository:tag`). Returns the index's digest. The engine's image store holds one
 * platform per tag and `docker push` pushes tags, so the registry API does the pushing;
 * blobs the registry holds already are not sent again.
 */
export async function pushIndex(
  client: RegistryClient,
  reference: string,
  variants: readonly SavedVariant[],
  annotations: Readonly<Record<string, string>>,
): Promise<string> {
  const at = reference.lastIndexOf(":");
  const [repository, tag] = [reference.slice(0, at), reference.slice(at + 1)];
  const children: IndexChild[] = [];
  for (const variant of variants) children.push(await pushVariant(client, repository, variant));
  return client.putManifest(repository, tag, {
    mediaType: MEDIA_TYPES.ociIndex,
    bytes: imageIndex(children, annotations),
  });
}

async function pushVariant(client: RegistryClient, repository: string, variant: SavedVariant): Promise<IndexChild> {
  const [saved] = JSON.parse(readFileSync(join(variant.dir, "manifest.json"), "utf8")) as {
    Config: string;
    Layers: string[];
  }[];
  if (!saved) throw new Error(`bug: docker save of ${variant.platform} wrote no image`);
  const config = readFileSync(join(variant.dir, saved.Config));
  const image = JSON.parse(config.toString("utf8")) as { os: string; architecture: string; variant?: string };
  const layers = [];
  for (const path of saved.Layers) {
    const blob = await layerBlob(readFileSync(join(variant.dir, path)));
    const digest = sha256(blob.bytes);
    await client.uploadBlob(repository, digest, blob.bytes);
    layers.push({ mediaType: blob.mediaType, digest, size: blob.bytes.length });
  }
  await client.uploadBlob(repository, sha256(config), config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociManifest,
      config: { mediaType: OCI_CONFIG, digest: sha256(config), size: config.length },
      layers,
    }),
  );
  const digest = await client.putManifest(repository, sha256(manifest), {
    mediaType: MEDIA_TYPES.ociManifest,
    bytes: manifest,
  });
  const platform = {
    os: image.os,
    architecture: image.architecture,
    ...(image.variant ? { variant: image.variant } : {}),
  };
  return { mediaType: MEDIA_TYPES.ociManifest, digest, size: manifest.length, platform };
}

/**
 * A saved layer as the blob to push. The classic image store saves plain tars, gzipped
 * here (deterministically: no name or time in the header, so the same layer gives the
 * same blob every run); the containerd store (Docker 25+) saves layers as it stores
 * them, already compressed, which are pushed as they are.
 */
async function layerBlob(layer: Buffer): Promise<{ bytes: Buffer; mediaType: string }> {
  if (layer[0] === 0x1f && layer[1] === 0x8b) return { bytes: layer, mediaType: OCI_LAYER.gzip };
  if (layer.subarray(0, 4).equals(Buffer.from([0x28, 0xb5, 0x2f, 0xfd])))
    return { bytes: layer, mediaType: OCI_LAYER.zstd };
  return { bytes: await gzipAsync(layer), mediaType: OCI_LAYER.gzip };
}
