import { afterAll, beforeAll } from "vitest";
import { startRegistry, type LocalRegistry } from "./index.js";
import { gzipSync } from "node:zlib";
import { MEDIA_TYPES, RegistryClient, Secret } from "../../src/registry/index.js";
import type { Credentials } from "../../src/registry/index.js";

import { pushOneLayerImage, sha256 } from "./oci-image.js";

export { sha256 };

/**
 * Pushes a small but real image (one empty layer, a config with `labels`) straight
 * through the distribution API, for suites that need registry content but not a build.
 */
export async function pushImage(
  _host: string,
  repository: string,
  tag: string,
  labels: Record<string, string>,
  credentials?: Credentials,
): Promise<string> {
  const client = new RegistryClient({ credentials });
  return (await pushOneLayerImage(client, repository, emptyLayer(), imageConfig("linux/amd64", labels), tag)).digest;
}

/** One empty tar, gzipped: the layer of the small images these suites push. */
const emptyLayer = (): Buffer => gzipSync(Buffer.alloc(1024));
const imageConfig = (platform: string, labels: Record<string, string>) => {
  const [os, architecture] = platform.split("/");
  return {
    architecture,
    os,
    config: { Labels: labels },
    rootfs: { type: "layers", diff_ids: [sha256(Buffer.alloc(1024))] },
  };
};

/**
 * Pushes an image index of small real images, one per platform (`os/arch`) with its
 * labels, each by digest, the index at `tag`: what a multi-platform publish leaves.
 */
export async function pushImageIndex(
  repository: string,
  tag: string,
  platforms: readonly { platform: string; labels: Record<string, string> }[],
  credentials?: Credentials,
): Promise<string> {
  const client = new RegistryClient({ credentials });
  const manifests = [];
  for (const { platform, labels } of platforms) {
    const [os, architecture] = platform.split("/");
    const { digest, size } = await pushOneLayerImage(client, repository, emptyLayer(), imageConfig(platform, labels));
    manifests.push({ mediaType: MEDIA_TYPES.ociManifest, digest, size, platform: { os, architecture } });
  }
  const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests }));
  return client.putManifest(repository, tag, { mediaType: MEDIA_TYPES.ociIndex, bytes: index });
}

export function creds(username: string, password: string): Credentials {
  return { username, password: new Secret(password) };
}

/** A token that must never appear anywhere a run leaves output: tests grep for it. */
export const CANARY = "canary-7f3e9a1c5b-DO-NOT-LEAK";
/** The cosign key's password and the GnuPG key's passphrase in the signing suites: canaries too. */
export const SIGNING_CANARY = "signing-canary-5e1d8b-DO-NOT-LEAK";
export const GPG_CANARY = "gpg-canary-93c2af-DO-NOT-LEAK";

/** A chart as helm pushes one (helm config + chart layer), or, with `notAChart`, an image under a chart's name. */
export async function pushChartVersion(
  repository: string,
  tag: string,
  opts: { notAChart?: boolean; credentials?: Credentials; annotations?: Record<string, string> } = {},
): Promise<string> {
  const client = new RegistryClient({ credentials: opts.credentials });
  const name = repository.split("/").pop()!;
  const config = Buffer.from(
    JSON.stringify({
      name,
      version: tag.replace("_", "+"),
      apiVersion: "v2",
      ...(opts.annotations ? { annotations: opts.annotations } : {}),
    }),
  );
  const layer = gzipSync(Buffer.from(`chart ${name} ${tag}`));
  await client.uploadBlob(repository, sha256(config), config);
  await client.uploadBlob(repository, sha256(layer), layer);
  const manifest = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociManifest,
    config: {
      mediaType: opts.notAChart ? "application/vnd.oci.image.config.v1+json" : MEDIA_TYPES.helmConfig,
      digest: sha256(config),
      size: config.length,
    },
    layers: [
      { mediaType: "application/vnd.cncf.helm.chart.content.v1.tar+gzip", digest: sha256(layer), size: layer.length },
    ],
  };
  return client.putManifest(repository, tag, {
    mediaType: MEDIA_TYPES.ociManifest,
    bytes: Buffer.from(JSON.stringify(manifest)),
  });
}

/** A real registry with basic auth for user `ci` and the CANARY password, started for the suite that calls this. */
export function useCanaryRegistry(): () => LocalRegistry {
  let registry: LocalRegistry | undefined;
  beforeAll(async () => {
    registry = await startRegistry({ kind: "htpasswd", users: { ci: CANARY } });
  });
  afterAll(async () => registry?.stop());
  return () => registry!;
}
