/** `host[:port]/path/name` split into the registry host and the repository path. */
export interface Repository {
  readonly host: string;
  readonly name: string;
}

export function parseRepository(repository: string): Repository {
  const slash = repository.indexOf("/");
  if (slash <= 0)
    throw new Error(
      `repository ${repository} names no registry host (expected host/path, e.g. ghcr.io/samvera/dassie)`,
    );
  return { host: repository.slice(0, slash), name: repository.slice(slash + 1) };
}

/**
 * Loopback registries speak plain HTTP (as Docker and helm assume for them); every
 * other registry HTTPS unless declared (speaksPlainHttp).
 */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/:\d+$/, "").replace(/^\[|\]$/g, "");
  return bare === "localhost" || bare === "::1" || /^127\.\d+\.\d+\.\d+$/.test(bare);
}

/**
 * Whether charthouse and the tools it runs speak plain HTTP to `host`: a loopback registry, or one in `declared` (an
 * in-house registry without TLS, which charthouse.yaml declares with `plainHttp: true`, as Docker's
 * insecure-registries and helm's --plain-http do).
 */
export function speaksPlainHttp(host: string, declared: readonly string[] = []): boolean {
  return isLoopbackHost(host) || declared.includes(host);
}

export function registryBaseUrl(host: string, plainHttp = isLoopbackHost(host)): string {
  return `${plainHttp ? "http" : "https"}://${host}`;
}
