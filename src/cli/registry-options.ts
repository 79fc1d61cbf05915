import { RegistryClient, resolveCredentials, Secret, type Credentials } from "../registry/index.js";
import type { CliIo } from "./io.js";
import type { RegistryOptions } from "./registry-flags.js";

export { addRegistryOptions, type RegistryOptions } from "./registry-flags.js";

export { registryHost } from "../config/repositories.js";

/** Stdin can be read once: a command's reads of it share this one. */
const stdinTexts = new WeakMap<CliIo, Promise<string>>();

/** Stdin's whole text, read once per command, without its final newline. */
export function readStdinOnce(io: CliIo): Promise<string> {
  if (!stdinTexts.has(io))
    stdinTexts.set(
      io,
      (io.stdin?.() ?? Promise.resolve("")).then((text) => text.replace(/\r?\n$/, "")),
    );
  return stdinTexts.get(io)!;
}

/** Credentials for `host` (a config's: `registryHost(config)`), from flags, stdin, environment or the Docker config. */
export async function readCredentials(
  opts: RegistryOptions,
  host: string,
  io: CliIo,
): Promise<Credentials | undefined> {
  let password: Secret | undefined;
  if (opts.registryPasswordStdin) password = new Secret(await readStdinOnce(io));
  return resolveCredentials(host, { username: opts.registryUsername, password, env: io.env });
}

/** A client that tells the person when it retries, and why. */
export function cliClient(
  credentials: Credentials | undefined,
  io: CliIo,
  plainHttpHosts: readonly string[] = [],
): RegistryClient {
  return new RegistryClient({
    credentials,
    plainHttpHosts,
    onRetry: ({ url, attempt, waitMs, reason }) =>
      io.stderr(`registry: ${url} failed (${reason}); retry ${attempt} in ${(waitMs / 1000).toFixed(1)}s\n`),
  });
}
