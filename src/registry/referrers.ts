// The client imports this file: the media type is spelled here, not taken from client.ts (no cycle).
const OCI_INDEX = "application/vnd.oci.image.index.v1+json";

/** One manifest the referrers API lists as naming a digest its subject. */
export interface ReferrerDescriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  /** The referrer's artifactType (else its config's media type), as the registry reports it. */
  readonly artifactType?: string;
  /** The referrer manifest's own annotations: the OCI 1.1 distribution spec has the registry copy them here. */
  readonly annotations?: Readonly<Record<string, string>>;
}

/**
 * What one answer of `GET /v2/<name>/referrers/<digest>` says: the referrers it lists, or
 * null when the registry has no referrers API. The spec has such a registry answer 404
 * (distribution 2.8's "404 page not found"); an answer that is no OCI image index is
 * taken as none either, so a proxy's page is never read as "no referrers".
 */
export function parseReferrers(status: number, contentType: string, body: string): ReferrerDescriptor[] | null {
  if (status !== 200) return null;
  let index: unknown;
  try {
    index = JSON.parse(body);
  } catch {
    return null;
  }
  const { mediaType, manifests } = (index ?? {}) as { mediaType?: unknown; manifests?: unknown };
  const type = contentType.split(";")[0]?.trim() || mediaType;
  if (type !== OCI_INDEX || !Array.isArray(manifests)) return null;
  return manifests.flatMap((m: Partial<ReferrerDescriptor>) =>
    typeof m?.digest === "string" && /^sha256:[0-9a-f]{64}$/.test(m.digest)
      ? [
          {
            mediaType: String(m.mediaType ?? ""),
            digest: m.digest,
            size: Number(m.size ?? 0),
            ...(typeof m.artifactType === "string" ? { artifactType: m.artifactType } : {}),
            ...(m.annotations && typeof m.annotations === "object" ? { annotations: m.annotations } : {}),
          },
        ]
      : [],
  );
}
