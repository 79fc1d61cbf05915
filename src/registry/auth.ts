import { RegistryError } from "../errors.js";
import type { Credentials } from "./credentials.js";
import { describeNetworkError, withRetry, type RetryPolicy } from "./retry.js";

/** A parsed `WWW-Authenticate` header. */
export interface Challenge {
  readonly scheme: "basic" | "bearer";
  readonly params: Readonly<Record<string, string>>;
}

export function parseChallenge(header: string | null): Challenge | undefined {
  if (!header) return undefined;
  const match = header.match(/^\s*(\w+)\s*(.*)$/);
  if (!match) return undefined;
  const scheme = match[1]!.toLowerCase();
  if (scheme !== "basic" && scheme !== "bearer") return undefined;
  const params: Record<string, string> = {};
  for (const [, key, quoted, bare] of match[2]!.matchAll(/(\w+)=(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) {
    params[key!.toLowerCase()] = quoted !== undefined ? quoted.replace(/\\(.)/g, "$1") : bare!;
  }
  return { scheme, params };
}

/** `repository:samvera/dassie:pull,push` */
export function repositoryScope(name: string, actions: readonly ("pull" | "push")[]): string {
  return `repository:${name}:${actions.join(",")}`;
}

/** A bearer token and, when it is a readable JWT, the actions it grants per repository. */
export interface Token {
  readonly value: string;
  readonly expiresAt: number;
  /** `samvera/dassie` → ["pull"]; undefined when the token is opaque. */
  readonly granted?: ReadonlyMap<string, readonly string[]>;
}

/**
 * Answers registry challenges for one host: Basic with the credentials, or Bearer by
 * asking the challenge's realm for a token per scope (as ghcr.io and distribution's
 * token auth do). Tokens are cached per scope until shortly before they expire.
 */
export class Authorizer {
  private scheme: "none" | "basic" | "bearer" = "none";
  private readonly tokens = new Map<string, Token>();
  private realm?: { url: string; service?: string };

  constructor(
    private readonly host: string,
    private readonly credentials: Credentials | undefined,
    private readonly retry: RetryPolicy,
    private readonly fetchImpl: typeof fetch,
    private readonly onRequest?: (e: { method: string; url: string; status: number }) => void,
  ) {}

  /** The Authorization header to send for `scope`, if one is known already. */
  header(scope: string): string | undefined {
    if (this.scheme === "basic" && this.credentials) return basic(this.credentials);
    if (this.scheme === "bearer") {
      const token = this.tokens.get(scope);
      if (token && token.expiresAt > Date.now() + 10_000) return `Bearer ${token.value}`;
    }
    return undefined;
  }

  /** Learns from a 401's challenge; returns the header to retry with, or undefined when there is none. */
  async answer(challenge: Challenge | undefined, scope: string): Promise<string | undefined> {
    if (!challenge) return undefined;
    if (challenge.scheme === "basic") {
      this.scheme = "basic";
      return this.credentials ? basic(this.credentials) : undefined;
    }
    this.scheme = "bearer";
    const realm = challenge.params.realm;
    if (!realm)
      throw new RegistryError(`authenticating to ${this.host}: the registry's Bearer challenge names no realm`);
    this.realm = { url: realm, service: challenge.params.service };
    const token = await this.token(scope);
    return `Bearer ${token.value}`;
  }

  /** A token for exactly `scope` from the realm learned earlier (or by probing /v2/). */
  async token(scope: string): Promise<Token> {
    const cached = this.tokens.get(scope);
    if (cached && cached.expiresAt > Date.now() + 10_000) return cached;
    if (!this.realm) throw new RegistryError(`authenticating to ${this.host}: no token realm known yet`);
    const url = new URL(this.realm.url);
    if (this.realm.service) url.searchParams.set("service", this.realm.service);
    url.searchParams.set("scope", scope);
    if (this.credentials) url.searchParams.set("account", this.credentials.username);
    const headers: Record<string, string> = this.credentials ? { authorization: basic(this.credentials) } : {};
    const attempt = await withRetry((signal) => this.fetchImpl(url, { headers, signal }), this.retry);
    const who = this.credentials ? ` as ${this.credentials.username}` : " anonymously";
    if (attempt.kind === "error") {
      throw new RegistryError(
        `authenticating to ${this.host}${who} for ${scope}: token service ${url.origin} unreachable ` +
          `(${describeNetworkError(attempt.error)})`,
      );
    }
    const response = attempt.response;
    this.onRequest?.({ method: "GET", url: `${url.origin}${url.pathname}`, status: response.status });
    if (!response.ok) {
      await response.arrayBuffer().catch(() => undefined);
      throw new RegistryError(
        `authenticating to ${this.host}${who} for ${scope}: the token service answered HTTP ${response.status}; ` +
          "check the username and token (for ghcr.io a token with read:packages and write:packages)",
        response.status,
      );
    }
    const body = (await response.json()) as { token?: string; access_token?: string; expires_in?: number };
    const value = body.token ?? body.access_token;
    if (!value)
      throw new RegistryError(`authenticating to ${this.host}${who} for ${scope}: the token service returned no token`);
    const token: Token = {
      value,
      expiresAt: Date.now() + (body.expires_in ?? 60) * 1000,
      granted: grantedScopes(value),
    };
    this.tokens.set(scope, token);
    return token;
  }

  get usesBearer(): boolean {
    return this.scheme === "bearer";
  }
}

function basic(c: Credentials): string {
  return `Basic ${Buffer.from(`${c.username}:${c.password.reveal()}`).toString("base64")}`;
}

/** The `access` claim of a JWT, as distribution's token servers write it; undefined for opaque tokens. */
export function grantedScopes(token: string): ReadonlyMap<string, readonly string[]> | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8")) as {
      access?: { type: string; name: string; actions: string[] }[];
    };
    if (!Array.isArray(claims.access)) return undefined;
    const granted = new Map<string, string[]>();
    for (const a of claims.access)
      if (a.type === "repository") granted.set(a.name, [...(granted.get(a.name) ?? []), ...a.actions]);
    return granted;
  } catch {
    return undefined;
  }
}
