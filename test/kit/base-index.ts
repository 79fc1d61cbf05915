import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { MEDIA_TYPES, type RegistryClient } from "../../src/registry/index.js";
import { arm64Busybox } from "./buildkit.js";
import { pushOneLayerImage, sha256 } from "./oci-image.js";
import { requireTool } from "../../src/exec/tools.js";

/** Where a multi-platform fixture's base lives in a test registry: `${host}/${BASE_INDEX_PATH}`. */
export const BASE_INDEX_PATH = "charthouse/busybox:1.35";

/**
 * Pushes busybox for linux/amd64 and linux/arm64 as one OCI image index to `host`
 * (straight through the distribution API) and returns its reference. BuildKit resolves
 * a base per platform from an index; the engine's local store holds one platform per
 * tag, and `docker import` would record the host's architecture for both. Each half is
 * Debian's static busybox of that architecture with every applet linked; the layers are
 * byte-for-byte reproducible, so pushing again uploads nothing new.
 */
export async function pushBaseIndex(client: RegistryClient, host: string): Promise<string> {
  const reference = `${host}/${BASE_INDEX_PATH}`;
  const at = reference.lastIndexOf(":");
  const [repository, tag] = [reference.slice(0, at), reference.slice(at + 1)];
  const children = [];
  for (const [architecture, busybox] of [
    ["amd64", requireTool("busybox")],
    ["arm64", arm64Busybox()],
  ] as const) {
    const tar = rootfsTar(busybox);
    const layer = gzipSync(tar);
    const config = {
      architecture,
      os: "linux",
      config: { Env: ["PATH=/usr/local/bin:/usr/bin:/bin"], Cmd: ["sh"] },
      rootfs: { type: "layers", diff_ids: [sha256(tar)] },
      history: [{ created_by: `busybox-static:${architecture} from Debian, every applet linked` }],
    };
    const { digest, size } = await pushOneLayerImage(client, repository, layer, config);
    children.push({
      mediaType: MEDIA_TYPES.ociManifest,
      digest,
      size,
      platform: { architecture, os: "linux" },
    });
  }
  const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests: children }));
  await client.putManifest(repository, tag, { mediaType: MEDIA_TYPES.ociIndex, bytes: index });
  return reference;
}

/** A root filesystem of `busybox` with its applets linked, as a reproducible tar (sorted, owned by root, time 0). */
export function rootfsTar(busybox: string): Buffer {
  const root = mkdtempSync(join(tmpdir(), "charthouse-rootfs-"));
  try {
    for (const d of ["bin", "tmp", "etc", "root", "srv", "usr/bin"]) mkdirSync(join(root, d), { recursive: true });
    copyFileSync(busybox, join(root, "bin", "busybox"));
    chmodSync(join(root, "bin", "busybox"), 0o755);
    chmodSync(join(root, "tmp"), 0o1777);
    // The host's busybox names the applets: both halves are the same Debian version.
    const applets = execFileSync(requireTool("busybox"), ["--list"], { encoding: "utf8" })
      .split("\n")
      .filter((a) => a && a !== "busybox");
    for (const applet of applets) symlinkSync("busybox", join(root, "bin", applet));
    symlinkSync("/bin/env", join(root, "usr/bin/env"));
    return execFileSync(
      "tar",
      ["-C", root, "--sort=name", "--mtime=@0", "--owner=0", "--group=0", "--numeric-owner", "-c", "."],
      { maxBuffer: 64 * 1024 * 1024 },
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
