import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../errors.js";
import { Secret } from "./secret.js";

export interface Credentials {
  readonly username: string;
  readonly password: Secret;
}

export interface CredentialSources {
  /** From flags or Dagger arguments. */
  readonly username?: string;
  readonly password?: Secret;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Credentials for `host`: explicit ones first, then CHARTHOUSE_REGISTRY_USERNAME /
 * CHARTHOUSE_REGISTRY_PASSWORD, then the Docker config file ($DOCKER_CONFIG or
 * ~/.docker/config.json) `auths` entry. Undefined means anonymous.
 */
export function resolveCredentials(host: string, sources: CredentialSources = {}): Credentials | undefined {
  const env = sources.env ?? {};
  const username = sources.username ?? env.CHARTHOUSE_REGISTRY_USERNAME;
  const password =
    sources.password ?? (env.CHARTHOUSE_REGISTRY_PASSWORD ? new Secret(env.CHARTHOUSE_REGISTRY_PASSWORD) : undefined);
  if (password && !username) {
    throw new ConfigError(
      "a registry password was given without a username: pass --registry-username (or set " +
        "CHARTHOUSE_REGISTRY_USERNAME)",
    );
  }
  if (username && password) return { username, password };
  if (username && !password) {
    throw new ConfigError(
      `registry username ${username} was given without a password: pass it on stdin with --registry-password-stdin, ` +
        "or set CHARTHOUSE_REGISTRY_PASSWORD",
    );
  }
  return fromDockerConfig(host, env);
}

function fromDockerConfig(host: string, env: Readonly<Record<string, string | undefined>>): Credentials | undefined {
  const file = join(env.DOCKER_CONFIG ?? join(env.HOME ?? homedir(), ".docker"), "config.json");
  let config: { auths?: Record<string, { auth?: string; username?: string; password?: string }> };
  try {
    config = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
  const entry = config.auths?.[host] ?? config.auths?.[`https://${host}`] ?? config.auths?.[`http://${host}`];
  if (!entry) return undefined;
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon > 0) return { username: decoded.slice(0, colon), password: new Secret(decoded.slice(colon + 1)) };
  }
  if (entry.username && entry.password) return { username: entry.username, password: new Secret(entry.password) };
  return undefined;
}
