import { MEDIA_TYPES, type RegistryClient } from "./client.js";

/** One platform's manifest in an image index. */
export interface PlatformManifest {
  /** `os/arch[/variant]`, as charthouse.yaml names platforms. */
  readonly platform: string;
  readonly digest: string;
}

/** An index entry's platform as the OCI spec spells it. */
export interface OciPlatform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
}

export interface IndexChild {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly platform: OciPlatform;
}

/** `linux/arm64` from `{ os: "linux", architecture: "arm64" }`. */
export function platformName(p: OciPlatform): string {
  return [p.os, p.architecture, ...(p.variant ? [p.variant] : [])].join("/");
}

/**
 * An OCI image index of `children` (OCI manifests, so the index is OCI too) carrying
 * `annotations`: what a multi-platform tag holds. Its bytes are what the digest names.
 */
export function imageIndex(children: readonly IndexChild[], annotations: Readonly<Record<string, string>>): Buffer {
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociIndex,
      manifests: children.map((c) => ({
        mediaType: c.mediaType,
        digest: c.digest,
        size: c.size,
        platform: c.platform,
      })),
      ...(Object.keys(annotations).length ? { annotations } : {}),
    }),
  );
}

/** The children of the image index at `reference` (a tag or digest), by platform; null when it holds no index. */
export async function indexPlatforms(
  client: RegistryClient,
  repository: string,
  reference: string,
): Promise<PlatformManifest[] | null> {
  const manifest = await client.getManifest(repository, reference);
  if (!manifest) return null;
  const json = JSON.parse(manifest.bytes.toString("utf8")) as {
    mediaType?: string;
    manifests?: { digest: string; platform?: OciPlatform }[];
  };
  const type = manifest.mediaType || json.mediaType;
  if (type !== MEDIA_TYPES.ociIndex && type !== MEDIA_TYPES.dockerList) return null;
  // Entries without a platform (attestations, signatures) are no platform's image.
  return (json.manifests ?? []).flatMap((m) =>
    m.platform?.os && m.platform.architecture && m.platform.os !== "unknown"
      ? [{ platform: platformName(m.platform), digest: m.digest }]
      : [],
  );
}
