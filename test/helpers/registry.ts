import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { MEDIA_TYPES, RegistryClient, Secret } from "../../src/registry/index.js";
import type { Credentials } from "../../src/registry/index.js";

export const sha256 = (b: Buffer | string): string => `sha256:${createHash("sha256").update(b).digest("hex")}`;

/**
 * Pushes a small but real image (one empty layer, a config with `labels`) straight
 * through the distribution API, for suites that need registry content but not a build.
 */
export async function pushImage(_host: string, repository: string, tag: string, labels: Record<string, string>, credentials?: Credentials): Promise<string> {
  const client = new RegistryClient({ credentials });
  const layer = gzipSync(Buffer.alloc(1024)); // an empty tar
  const config = Buffer.from(JSON.stringify({ architecture: "amd64", os: "linux", config: { Labels: labels }, rootfs: { type: "layers", diff_ids: [sha256(Buffer.alloc(1024))] } }));
  for (const blob of [layer, config]) await client.uploadBlob(repository, sha256(blob), blob);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociManifest,
      config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: sha256(config), size: config.length },
      layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: sha256(layer), size: layer.length }],
    }),
  );
  return client.putManifest(repository, tag, { mediaType: MEDIA_TYPES.ociManifest, bytes: manifest });
}

export function creds(username: string, password: string): Credentials {
  return { username, password: new Secret(password) };
}

/** A token that must never appear anywhere a run leaves output: tests grep for it. */
export const CANARY = "canary-7f3e9a1c5b-DO-NOT-LEAK";
