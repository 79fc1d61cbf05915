import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requireTool } from "../../../src/exec/tools.js";
import { rootfsTar } from "../base-index.js";
import { sha256 } from "../oci-image.js";

/** The images every real node holds from the start: nothing can be pulled here. */
export const NODE_IMAGES = {
  /** The pod sandbox containerd starts for every pod (its `sandbox_image`). */
  pause: "localhost/charthouse/pause:1",
  /** Debian's static busybox with every applet linked: httpd, sh, wget. */
  busybox: "localhost/charthouse/busybox:1.35",
} as const;

/**
 * An OCI image layout as one tar, made with tar and SHA-256 alone, byte-identical each time:
 * one uncompressed layer, the config, the manifest, and an index naming it `name` (the
 * annotation `ctr images import` names the image by).
 */
export function ociArchive(name: string, layer: Buffer, config: { Entrypoint?: string[]; Cmd?: string[] }): Buffer {
  const dir = mkdtempSync(join(tmpdir(), "charthouse-oci-"));
  try {
    const blobs = join(dir, "blobs", "sha256");
    mkdirSync(blobs, { recursive: true });
    const put = (bytes: Buffer) => {
      const digest = sha256(bytes);
      writeFileSync(join(blobs, digest.slice("sha256:".length)), bytes);
      return { digest, size: bytes.length };
    };
    const imageConfig = Buffer.from(
      JSON.stringify({
        architecture: "amd64",
        os: "linux",
        config: { Env: ["PATH=/usr/local/bin:/usr/bin:/bin"], ...config },
        rootfs: { type: "layers", diff_ids: [sha256(layer)] },
      }),
    );
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        config: { mediaType: "application/vnd.oci.image.config.v1+json", ...put(imageConfig) },
        layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar", ...put(layer) }],
      }),
    );
    const index = {
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.index.v1+json",
      manifests: [
        {
          mediaType: "application/vnd.oci.image.manifest.v1+json",
          ...put(manifest),
          platform: { architecture: "amd64", os: "linux" },
          annotations: {
            "io.containerd.image.name": name,
            "org.opencontainers.image.ref.name": name.slice(name.lastIndexOf(":") + 1),
          },
        },
      ],
    };
    writeFileSync(join(dir, "index.json"), JSON.stringify(index));
    writeFileSync(join(dir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
    return execFileSync(
      "tar",
      ["-C", dir, "--sort=name", "--mtime=@0", "--owner=0", "--group=0", "--numeric-owner", "-c", "."],
      { maxBuffer: 64 * 1024 * 1024 },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The node's own images (NODE_IMAGES) as archives under `dir`; returns their paths. */
export function nodeImageArchives(dir: string): string[] {
  const layer = rootfsTar(requireTool("busybox"));
  const archives = [
    // The sandbox only holds the pod's namespaces; containerd stops it with SIGKILL.
    { file: "pause.tar", bytes: ociArchive(NODE_IMAGES.pause, layer, { Entrypoint: ["/bin/sleep", "2147483647"] }) },
    { file: "busybox.tar", bytes: ociArchive(NODE_IMAGES.busybox, layer, { Cmd: ["sh"] }) },
  ];
  return archives.map(({ file, bytes }) => {
    writeFileSync(join(dir, file), bytes);
    return join(dir, file);
  });
}
