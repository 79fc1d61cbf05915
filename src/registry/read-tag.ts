import { OCI, type TagRecord } from "./types.js";
import { MEDIA_TYPES, type Manifest, type RegistryClient } from "./client.js";

interface ManifestJson {
  mediaType?: string;
  config?: { mediaType?: string; digest: string };
  manifests?: { digest: string; mediaType?: string; platform?: { os?: string; architecture?: string } }[];
  annotations?: Record<string, string>;
}

/**
 * What a tag holds: its digest, and the revision, version and created time from the
 * image's config labels (the first linux/amd64 image of an index) or, for charts and
 * other artifacts, the manifest's annotations. Null when the tag does not exist.
 */
export async function readTag(client: RegistryClient, repository: string, tag: string): Promise<TagRecord | null> {
  const top = await client.getManifest(repository, tag);
  if (!top) return null;
  const labels = await labelsOf(client, repository, top);
  return {
    digest: top.digest,
    ...(labels[OCI.revision] ? { revision: labels[OCI.revision] } : {}),
    ...(labels[OCI.version] ? { version: labels[OCI.version] } : {}),
    ...(labels[OCI.created] ? { created: labels[OCI.created] } : {}),
  };
}

async function labelsOf(
  client: RegistryClient,
  repository: string,
  manifest: Manifest,
): Promise<Record<string, string>> {
  let json = JSON.parse(manifest.bytes.toString("utf8")) as ManifestJson;
  const type = manifest.mediaType || json.mediaType;
  if ((type === MEDIA_TYPES.ociIndex || type === MEDIA_TYPES.dockerList) && json.manifests?.length) {
    if (json.annotations?.[OCI.revision]) return json.annotations;
    const child =
      json.manifests.find((m) => m.platform?.os === "linux" && m.platform.architecture === "amd64") ??
      json.manifests[0]!;
    const childManifest = await client.getManifest(repository, child.digest);
    if (!childManifest) return {};
    json = JSON.parse(childManifest.bytes.toString("utf8")) as ManifestJson;
  }
  const annotations = json.annotations ?? {};
  if (!json.config || json.config.mediaType === MEDIA_TYPES.helmConfig || annotations[OCI.revision]) return annotations;
  const config = JSON.parse((await client.getBlob(repository, json.config.digest)).toString("utf8")) as {
    config?: { Labels?: Record<string, string> | null };
  };
  return { ...annotations, ...(config.config?.Labels ?? {}) };
}
