import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { MEDIA_TYPES, RegistryClient, Secret } from "../../src/registry/index.js";
import type { Credentials } from "../../src/registry/index.js";

export const sha256 = (b: Buffer | string): string => `sha256:${createHash("sha256").update(b).digest("hex")}`;

/**
 * Pushes a small but real image (one empty layer, a config with `labels`) straight
 * through the distribution API, for suites that need registry content but not a build.
 */
export async function pushImage(host: string, repository: string, tag: string, labels: Record<string, string>, credentials?: Credentials): Promise<string> {
  const name = repository.slice(host.length + 1);
  const auth = credentials ? { authorization: `Basic ${Buffer.from(`${credentials.username}:${credentials.password.reveal()}`).toString("base64")}` } : {};
  const layer = gzipSync(Buffer.alloc(1024)); // an empty tar
  const diffId = sha256(Buffer.alloc(1024));
  const config = Buffer.from(JSON.stringify({ architecture: "amd64", os: "linux", config: { Labels: labels }, rootfs: { type: "layers", diff_ids: [diffId] } }));
  for (const blob of [layer, config]) {
    const start = await fetch(`http://${host}/v2/${name}/blobs/uploads/`, { method: "POST", headers: auth });
    await start.arrayBuffer();
    const location = new URL(start.headers.get("location") ?? "", `http://${host}`);
    location.searchParams.set("digest", sha256(blob));
    const response = await fetch(location, { method: "PUT", headers: { ...auth, "content-type": "application/octet-stream" }, body: new Uint8Array(blob) });
    if (response.status !== 201) throw new Error(`blob upload to ${repository}: HTTP ${response.status} ${await response.text()}`);
    await response.arrayBuffer();
  }
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociManifest,
      config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: sha256(config), size: config.length },
      layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: sha256(layer), size: layer.length }],
    }),
  );
  const client = new RegistryClient({ credentials });
  return client.putManifest(repository, tag, { mediaType: MEDIA_TYPES.ociManifest, bytes: manifest });
}

export function creds(username: string, password: string): Credentials {
  return { username, password: new Secret(password) };
}

/** A token that must never appear anywhere a run leaves output: tests grep for it. */
export const CANARY = "canary-7f3e9a1c5b-DO-NOT-LEAK";
