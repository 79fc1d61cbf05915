import { createHash } from "node:crypto";
import { RegistryError } from "../errors.js";
import { Authorizer, parseChallenge, repositoryScope } from "./auth.js";
import type { Credentials } from "./credentials.js";
import { parseRepository, registryBaseUrl, speaksPlainHttp } from "./reference.js";
import { parseReferrers, type ReferrerDescriptor } from "./referrers.js";
import { DEFAULT_RETRY, describeNetworkError, isRetryableStatus, withRetry, type RetryPolicy } from "./retry.js";

export const MEDIA_TYPES = {
  ociIndex: "application/vnd.oci.image.index.v1+json",
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  dockerList: "application/vnd.docker.distribution.manifest.list.v2+json",
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  helmConfig: "application/vnd.cncf.helm.config.v1+json",
} as const;

const MANIFEST_ACCEPT = [
  MEDIA_TYPES.ociIndex,
  MEDIA_TYPES.ociManifest,
  MEDIA_TYPES.dockerList,
  MEDIA_TYPES.dockerManifest,
].join(", ");

/** A manifest exactly as the registry holds it: the bytes are what a copy PUTs back. */
export interface Manifest {
  readonly digest: string;
  readonly mediaType: string;
  readonly bytes: Buffer;
}

export interface RequestEvent {
  readonly method: string;
  readonly url: string;
  readonly status: number;
}

export interface ClientOptions {
  readonly credentials?: Credentials;
  readonly retry?: Partial<RetryPolicy>;
  /** Force plain HTTP (default: only for loopback registries and `plainHttpHosts`). */
  readonly plainHttp?: boolean;
  /** Registry hosts declared plain HTTP besides loopback ones (charthouse.yaml's `plainHttp`). */
  readonly plainHttpHosts?: readonly string[];
  /** Told of every HTTP request made, for counting and progress. */
  readonly onRequest?: (event: RequestEvent) => void;
  /** Told of every retry, with the reason. */
  readonly onRetry?: (info: { url: string; attempt: number; waitMs: number; reason: string }) => void;
  readonly fetch?: typeof fetch;
}

type Action = "pull" | "push";

/**
 * A small OCI distribution client: tag lists, manifests, blobs, and the auth and
 * retries they need. Every method names the repository and operation in its errors
 * and never the credentials.
 */
export class RegistryClient {
  private readonly authorizers = new Map<string, Authorizer>();
  private readonly retry: RetryPolicy;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: ClientOptions = {}) {
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.fetchImpl = options.fetch ?? fetch;
  }

  private plainHttp(host: string): boolean {
    return this.options.plainHttp ?? speaksPlainHttp(host, this.options.plainHttpHosts);
  }

  /** Every tag of `repository` (`host/name`), following `Link` pagination; [] when it does not exist. */
  async listTags(repository: string, pageSize = 1000): Promise<string[]> {
    const { host, name } = parseRepository(repository);
    const tags: string[] = [];
    let path: string | undefined = `/v2/${name}/tags/list?n=${pageSize}`;
    while (path) {
      const response = await this.send(host, name, "GET", path, ["pull"], `listing tags of ${repository}`, {
        allow404: true,
      });
      if (response.status === 404) {
        await response.arrayBuffer();
        return tags;
      }
      const body = (await response.json()) as { tags?: string[] | null };
      tags.push(...(body.tags ?? []));
      path = nextLink(response.headers.get("link"));
    }
    return tags;
  }

  /** The digest a tag or digest resolves to, or null when absent. */
  async headManifest(repository: string, reference: string): Promise<{ digest: string; mediaType: string } | null> {
    const { host, name } = parseRepository(repository);
    const response = await this.send(
      host,
      name,
      "HEAD",
      `/v2/${name}/manifests/${reference}`,
      ["pull"],
      `reading ${repository}:${reference}`,
      {
        allow404: true,
        headers: { accept: MANIFEST_ACCEPT },
      },
    );
    if (response.status === 404) return null;
    const digest = response.headers.get("docker-content-digest");
    if (!digest) {
      // A registry that does not say: fall back to reading the manifest.
      const manifest = await this.getManifest(repository, reference);
      return manifest && { digest: manifest.digest, mediaType: manifest.mediaType };
    }
    return { digest, mediaType: response.headers.get("content-type") ?? "" };
  }

  /** The manifest at a tag or digest, as bytes with its digest, or null when absent. */
  async getManifest(repository: string, reference: string): Promise<Manifest | null> {
    const { host, name } = parseRepository(repository);
    const response = await this.send(
      host,
      name,
      "GET",
      `/v2/${name}/manifests/${reference}`,
      ["pull"],
      `reading ${repository}:${reference}`,
      {
        allow404: true,
        headers: { accept: MANIFEST_ACCEPT },
      },
    );
    if (response.status === 404) {
      await response.arrayBuffer();
      return null;
    }
    const bytes = Buffer.from(await response.arrayBuffer());
    const digest = `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
    const mediaType =
      response.headers.get("content-type")?.split(";")[0]?.trim() ||
      (JSON.parse(bytes.toString("utf8")) as { mediaType?: string }).mediaType ||
      "";
    return { digest, mediaType, bytes };
  }

  /**
   * The manifests that name `digest` as their subject, from the OCI 1.1 referrers API
   * (`GET /v2/<name>/referrers/<digest>`, following `Link` pagination), or null when the
   * registry has none (it answers 404, or no OCI index). Ask it of a digest the
   * repository holds: a registry with the API may still answer 404 for an unknown repository.
   */
  async referrers(repository: string, digest: string): Promise<ReferrerDescriptor[] | null> {
    const { host, name } = parseRepository(repository);
    const listed: ReferrerDescriptor[] = [];
    const first = `/v2/${name}/referrers/${digest}`;
    let path: string | undefined = first;
    while (path) {
      const response = await this.send(
        host,
        name,
        "GET",
        path,
        ["pull"],
        `listing the referrers of ${repository}@${digest}`,
        { allow404: true, headers: { accept: MEDIA_TYPES.ociIndex } },
      );
      const page = parseReferrers(response.status, response.headers.get("content-type") ?? "", await response.text());
      // The first page says whether there is an API; a later page that is none ends the list.
      if (page === null) return path === first ? null : listed;
      listed.push(...page);
      path = nextLink(response.headers.get("link"));
    }
    return listed;
  }

  /** Puts `manifest` at `tag`; returns the digest the registry stored it under. */
  async putManifest(repository: string, tag: string, manifest: Pick<Manifest, "mediaType" | "bytes">): Promise<string> {
    const { host, name } = parseRepository(repository);
    const response = await this.send(
      host,
      name,
      "PUT",
      `/v2/${name}/manifests/${tag}`,
      ["pull", "push"],
      `pushing ${repository}:${tag}`,
      {
        headers: { "content-type": manifest.mediaType },
        body: manifest.bytes,
      },
    );
    await response.arrayBuffer();
    return (
      response.headers.get("docker-content-digest") ??
      `sha256:${createHash("sha256").update(manifest.bytes).digest("hex")}`
    );
  }

  /** A blob's content (image configs are small). */
  async getBlob(repository: string, digest: string): Promise<Buffer> {
    const { host, name } = parseRepository(repository);
    const response = await this.send(
      host,
      name,
      "GET",
      `/v2/${name}/blobs/${digest}`,
      ["pull"],
      `reading blob ${digest} of ${repository}`,
    );
    return Buffer.from(await response.arrayBuffer());
  }

  /** Uploads a blob in one request pair (POST, then PUT with the digest); skipped when the registry has it. */
  async uploadBlob(repository: string, digest: string, bytes: Buffer): Promise<void> {
    const { host, name } = parseRepository(repository);
    const exists = await this.send(
      host,
      name,
      "HEAD",
      `/v2/${name}/blobs/${digest}`,
      ["pull", "push"],
      `checking blob ${digest} in ${repository}`,
      { allow404: true },
    );
    await exists.arrayBuffer();
    if (exists.status === 200) return;
    const start = await this.send(
      host,
      name,
      "POST",
      `/v2/${name}/blobs/uploads/`,
      ["pull", "push"],
      `opening an upload to ${repository}`,
    );
    await start.arrayBuffer();
    const location = new URL(start.headers.get("location") ?? "", registryBaseUrl(host, this.plainHttp(host)));
    location.searchParams.set("digest", digest);
    const put = await this.send(
      host,
      name,
      "PUT",
      location.href,
      ["pull", "push"],
      `uploading blob ${digest} to ${repository}`,
      {
        headers: { "content-type": "application/octet-stream" },
        body: bytes,
      },
    );
    await put.arrayBuffer();
  }

  /**
   * Whether the credentials may push to `repository`, asked without pushing: with
   * bearer auth the token for pull,push is read back; otherwise (or when the token is
   * opaque) an upload session is opened and cancelled.
   */
  async checkPush(
    repository: string,
  ): Promise<{ readonly ok: boolean; readonly scope: string; readonly detail: string }> {
    const { host, name } = parseRepository(repository);
    const scope = repositoryScope(name, ["pull", "push"]);
    try {
      // One authenticated request teaches the authorizer the registry's scheme.
      const probe = await this.send(host, name, "GET", `/v2/${name}/tags/list?n=1`, ["pull"], `reading ${repository}`, {
        allow404: true,
      });
      await probe.arrayBuffer();
      const auth = this.authorizer(host);
      if (auth.usesBearer) {
        const token = await auth.token(scope);
        if (token.granted) {
          const actions = token.granted.get(name) ?? [];
          return actions.includes("push")
            ? { ok: true, scope, detail: `token grants ${actions.join(",")}` }
            : {
                ok: false,
                scope,
                detail: `token grants ${actions.length ? actions.join(",") : "nothing"} on ${name}, not push`,
              };
        }
      }
      const upload = await this.send(
        host,
        name,
        "POST",
        `/v2/${name}/blobs/uploads/`,
        ["pull", "push"],
        `opening an upload to ${repository}`,
      );
      await upload.arrayBuffer();
      const location = upload.headers.get("location");
      if (location) {
        // Cancelling is optional in the distribution spec (go-containerregistry answers 400): the
        // session opened is the proof of the right, and one left open expires on its own.
        const cancel = await this.send(
          host,
          name,
          "DELETE",
          location,
          ["pull", "push"],
          `cancelling the upload to ${repository}`,
          { allow404: true },
        ).catch((error: unknown) => (error instanceof RegistryError ? error : Promise.reject(error)));
        if (cancel instanceof RegistryError)
          return {
            ok: true,
            scope,
            detail: `an upload session was opened (the registry could not cancel it: HTTP ${cancel.status ?? "error"})`,
          };
        await cancel.arrayBuffer();
      }
      return { ok: true, scope, detail: "an upload session was opened and cancelled" };
    } catch (error) {
      if (error instanceof RegistryError && (error.status === 401 || error.status === 403))
        return { ok: false, scope, detail: error.message };
      throw error;
    }
  }

  private authorizer(host: string): Authorizer {
    let auth = this.authorizers.get(host);
    if (!auth) {
      auth = new Authorizer(host, this.options.credentials, this.retry, this.fetchImpl, this.options.onRequest);
      this.authorizers.set(host, auth);
    }
    return auth;
  }

  /** One request with auth and retries; errors name `operation`, never a secret. */
  private async send(
    host: string,
    name: string,
    method: string,
    pathOrUrl: string,
    actions: Action[],
    operation: string,
    opts: { headers?: Record<string, string>; body?: Buffer; allow404?: boolean } = {},
  ): Promise<Response> {
    const url = new URL(pathOrUrl, registryBaseUrl(host, this.plainHttp(host)));
    const scope = repositoryScope(name, actions);
    const auth = this.authorizer(host);
    let gaveUpAfter = 0;
    const attempt = async (authorization: string | undefined): Promise<Response> => {
      const result = await withRetry(
        (signal) =>
          this.fetchImpl(url, {
            method,
            headers: { ...opts.headers, ...(authorization ? { authorization } : {}) },
            body: opts.body ? new Uint8Array(opts.body) : undefined,
            signal,
            redirect: "follow",
          }),
        this.retry,
        (info) => this.options.onRetry?.({ url: `${method} ${url.pathname}`, ...info }),
      );
      if (result.kind === "error") {
        throw new RegistryError(
          `${operation}: ${host} could not be reached (${describeNetworkError(result.error)}); gave up after ` +
            `${result.attempts} attempt(s) within the retry budget`,
          undefined,
          { cause: result.error },
        );
      }
      this.options.onRequest?.({ method, url: url.pathname + url.search, status: result.response.status });
      if (isRetryableStatus(result.response.status)) gaveUpAfter = result.attempts;
      return result.response;
    };

    let response = await attempt(auth.header(scope));
    if (response.status === 401) {
      await response.arrayBuffer();
      const retryWith = await auth.answer(parseChallenge(response.headers.get("www-authenticate")), scope);
      if (retryWith) response = await attempt(retryWith);
    }
    if (response.ok || (opts.allow404 && response.status === 404)) return response;
    const detail = await errorDetail(response);
    const who = this.options.credentials ? ` as ${this.options.credentials.username}` : " anonymously";
    if (response.status === 401 || response.status === 403) {
      throw new RegistryError(
        `${operation}: the registry denied ${scope}${who} (HTTP ${response.status}${detail})` +
          (this.options.credentials ? "; give these credentials that scope" : "; pass registry credentials"),
        response.status,
      );
    }
    const gaveUp = gaveUpAfter ? `; gave up after ${gaveUpAfter} attempt(s) within the retry budget` : "";
    throw new RegistryError(`${operation}: HTTP ${response.status}${detail}${gaveUp}`, response.status);
  }
}

/** The path of `rel="next"` in a Link header, if any. */
export function nextLink(header: string | null): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(",")) {
    const match = part.match(/<([^>]+)>\s*;\s*rel="?next"?/);
    if (match) return match[1];
  }
  return undefined;
}

async function errorDetail(response: Response): Promise<string> {
  try {
    const text = await response.text();
    const body = JSON.parse(text) as { errors?: { code?: string; message?: string }[] };
    const first = body.errors?.[0];
    return first ? `: ${first.code ?? ""} ${first.message ?? ""}`.trimEnd() : "";
  } catch {
    return "";
  }
}
