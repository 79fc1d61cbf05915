// Writes single-layer OCI images into an OCI image layout (oci-layout, index.json, blobs/sha256/…): the form of the
// content store the Dagger engine reads its builtin SDKs from (it looks blobs up by the manifest digest it is given).
// A layer is a folder on disk, archived by GNU tar (owners and modes as they are, in name order) and gzipped.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { createWriteStream, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { Transform } from "node:stream";
import { createGzip } from "node:zlib";

/** Creates an empty layout at `dir`; returns its writer. */
export function ociLayout(dir) {
  mkdirSync(join(dir, "blobs", "sha256"), { recursive: true });
  writeFileSync(join(dir, "oci-layout"), `${JSON.stringify({ imageLayoutVersion: "1.0.0" })}\n`);
  const manifests = [];

  /** Stores bytes as a blob; returns its descriptor. */
  function blob(mediaType, bytes) {
    const hex = createHash("sha256").update(bytes).digest("hex");
    writeFileSync(join(dir, "blobs", "sha256", hex), bytes);
    return { mediaType, digest: `sha256:${hex}`, size: bytes.length };
  }

  /** Archives `folder` as a gzipped layer blob; returns its descriptor and the uncompressed digest (diff id). */
  async function layer(folder) {
    const tmp = join(dir, "blobs", "layer.partial");
    const diff = createHash("sha256");
    const compressed = createHash("sha256");
    let size = 0;
    const tap = (hash, count) =>
      new Transform({
        transform(chunk, _enc, done) {
          hash.update(chunk);
          if (count) size += chunk.length;
          done(null, chunk);
        },
      });
    // --numeric-owner: the ids as they are in the rootfs, whatever this host's passwd says.
    const tar = spawn("tar", ["--sort=name", "--numeric-owner", "-C", folder, "-cf", "-", "."], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const exited = new Promise((resolve, reject) =>
      tar.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`tar of ${folder} exited ${code}`)))),
    );
    await pipeline(
      tar.stdout,
      tap(diff, false),
      createGzip({ level: 1 }),
      tap(compressed, true),
      createWriteStream(tmp),
    );
    await exited;
    const hex = compressed.digest("hex");
    renameSync(tmp, join(dir, "blobs", "sha256", hex));
    return {
      descriptor: { mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: `sha256:${hex}`, size },
      diffId: `sha256:${diff.digest("hex")}`,
    };
  }

  /**
   * Adds an image of one layer (`folder`) with `config` (Env, WorkingDir, …) under the name `name`; returns its
   * manifest digest.
   */
  async function image(name, folder, config) {
    const { descriptor, diffId } = await layer(folder);
    const configBlob = blob(
      "application/vnd.oci.image.config.v1+json",
      Buffer.from(
        JSON.stringify({
          architecture: "amd64",
          os: "linux",
          config,
          rootfs: { type: "layers", diff_ids: [diffId] },
          history: [{ created_by: "charthouse scripts/tools/dagger-sdk/build-content.mjs" }],
        }),
      ),
    );
    const manifest = blob(
      "application/vnd.oci.image.manifest.v1+json",
      Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: "application/vnd.oci.image.manifest.v1+json",
          config: configBlob,
          layers: [descriptor],
        }),
      ),
    );
    manifests.push({
      ...manifest,
      platform: { architecture: "amd64", os: "linux" },
      annotations: { "org.opencontainers.image.ref.name": name },
    });
    return manifest.digest;
  }

  /** Writes index.json naming every image added. */
  function close() {
    const index = { schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests };
    writeFileSync(join(dir, "index.json"), `${JSON.stringify(index, null, 2)}\n`);
  }

  return { image, close };
}
