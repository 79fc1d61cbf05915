import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { pushIndex } from "../../../../src/engines/docker/push-index.js";
import { MEDIA_TYPES, type RegistryClient } from "../../../../src/registry/index.js";
import { tempTree } from "../../../kit/temp-dir.js";

const sha256 = (b: Buffer | string) => `sha256:${createHash("sha256").update(b).digest("hex")}`;

// A FAKE registry client keeping what is uploaded and put: the push's shape is the subject.
function recordingClient() {
  const blobs = new Map<string, Buffer>();
  const manifests = new Map<string, { mediaType: string; bytes: Buffer }>();
  const client = {
    uploadBlob: async (_repository: string, digest: string, bytes: Buffer) => void blobs.set(digest, bytes),
    putManifest: async (_repository: string, reference: string, m: { mediaType: string; bytes: Buffer }) => (
      manifests.set(reference, m),
      sha256(m.bytes)
    ),
  } as unknown as RegistryClient;
  return { client, blobs, manifests };
}

/**
 * `docker save` output unpacked: the classic store writes layers as plain tars, the containerd store as they are stored
 * (compressed).
 */
function saved(architecture: string, layers: Record<string, Buffer>): string {
  const config = JSON.stringify({
    architecture,
    os: "linux",
    config: { Labels: { "org.opencontainers.image.revision": "abc" } },
  });
  const dir = tempTree({
    "manifest.json": JSON.stringify([{ Config: "config.json", Layers: Object.keys(layers) }]),
    "config.json": config,
  });
  for (const [path, bytes] of Object.entries(layers)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), bytes);
  }
  return dir;
}

describe("pushing a multi-platform image from docker save", () => {
  it(
    "pushes each platform by digest and the annotated index at the tag; plain layers gzipped, compressed ones as " +
      "they are",
    async () => {
      const { client, blobs, manifests } = recordingClient();
      const plain = Buffer.from("a plain layer tar".padEnd(1024, "\0"), "latin1");
      const compressed = gzipSync(Buffer.from("an already gzipped layer".padEnd(1024, "\0")));
      const amd64 = saved("amd64", { "a/layer.tar": plain });
      const arm64 = saved("arm64", { "blobs/sha256/x": compressed });
      const digest = await pushIndex(
        client,
        "r.example/app:1.0",
        [
          { platform: "linux/amd64", dir: amd64 },
          { platform: "linux/arm64", dir: arm64 },
        ],
        { "org.opencontainers.image.revision": "abc" },
      );

      const index = manifests.get("1.0")!;
      expect(digest).toBe(sha256(index.bytes));
      const json = JSON.parse(index.bytes.toString()) as {
        mediaType: string;
        manifests: { digest: string; platform: object }[];
        annotations: object;
      };
      expect(json.mediaType).toBe(MEDIA_TYPES.ociIndex);
      expect(json.annotations).toEqual({ "org.opencontainers.image.revision": "abc" });
      expect(json.manifests.map((m) => m.platform)).toEqual([
        { os: "linux", architecture: "amd64" },
        { os: "linux", architecture: "arm64" },
      ]);
      const layerOf = (i: number) =>
        (
          JSON.parse(manifests.get(json.manifests[i]!.digest)!.bytes.toString()) as {
            layers: { digest: string; mediaType: string }[];
          }
        ).layers[0]!;
      // The plain tar is gzipped here; the compressed one is sent as the engine stored it, not gzipped twice.
      expect(gunzipSync(blobs.get(layerOf(0).digest)!)).toEqual(plain);
      expect(layerOf(1)).toEqual({
        mediaType: "application/vnd.oci.image.layer.v1.tar+gzip",
        digest: sha256(compressed),
        size: compressed.length,
      });
    },
  );
});
