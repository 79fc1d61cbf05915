import { posix } from "node:path";
import { helmArgs } from "../../chart/helm-args.js";
import { shellQuote } from "../../exec/shell-quote.js";
import type { BuildSpec, ServicePlan } from "../../plan/types.js";
import { parseRepository, speaksPlainHttp } from "../../registry/reference.js";

// The decisions of the Dagger adapter (engine.ts beside this file), made here in tested code as the Docker
// adapter's are in ../docker/docker-args.ts: the module only hands them to Dagger calls.

/** `Directory.dockerBuild`'s options for one platform of a build (the Dockerfile relative to the context). */
export function daggerBuildOptions(build: BuildSpec, platform: string) {
  const buildArgs = Object.entries(build.buildArgs).map(([name, value]) => ({ name, value }));
  return { dockerfile: posix.relative(build.context, build.dockerfile), platform, target: build.target, buildArgs };
}

/**
 * A service's `ready` as its container's healthcheck (Dagger runs a container's healthcheck in it and
 * waits for it instead of the port), tried until `readyTimeoutSeconds` pass; undefined without `ready`.
 */
export function daggerHealthcheck(service: ServicePlan) {
  if (!service.ready) return undefined;
  return {
    args: [...service.ready],
    opts: { startPeriod: `${service.readyTimeoutSeconds}s`, startInterval: "250ms", interval: "1s", retries: 1 },
  };
}

/** The registry host of a reference, by tag (`host/ns/name:tag`) or by digest (`host/ns/name@sha256:…`). */
export function registryHostOf(reference: string): string {
  const name = reference.split("@")[0]!;
  const colon = name.lastIndexOf(":");
  return parseRepository(colon > name.lastIndexOf("/") ? name.slice(0, colon) : name).host;
}

/**
 * `run`, after a registry login that reads the password from $CHARTHOUSE_REGISTRY_PASSWORD on stdin (never argv or a
 * file).
 */
function afterLogin(login: string[] | undefined, run: string[]): string {
  return login
    ? `printf %s "$CHARTHOUSE_REGISTRY_PASSWORD" | ${shellQuote(login)} && ${shellQuote(run)}`
    : shellQuote(run);
}

/** The shell command that pushes a chart package with helm, logged in first when there is a username. */
export function helmPushScript(
  file: string,
  pushTo: string,
  username?: string,
  plainHttpHosts: readonly string[] = [],
): string {
  const host = parseRepository(pushTo.slice("oci://".length)).host;
  const plainHttp = speaksPlainHttp(host, plainHttpHosts);
  const login = username === undefined ? undefined : ["helm", ...helmArgs.registryLogin(host, username, { plainHttp })];
  return afterLogin(login, ["helm", ...helmArgs.push(file, pushTo, { plainHttp })]);
}

/** The shell command that runs cosign `args` on `subject`, logged in to its registry first when there is a username. */
export function cosignScript(subject: string, args: readonly string[], username?: string): string {
  const login =
    username === undefined
      ? undefined
      : ["cosign", "login", registryHostOf(subject), "--username", username, "--password-stdin"];
  return afterLogin(login, ["cosign", ...args]);
}

/**
 * The node script (`lib`: the library bundle) that writes the helm provenance of `packageFile` beside it with the
 * library's own signer, as the Docker runner does: the keyring a file, the passphrase read from `passphraseVariable`
 * (a secret variable), so neither is in the script's text.
 */
export function provenanceScript(o: {
  packageFile: string;
  chartDir: string;
  keyring: string;
  name: string;
  passphraseVariable: string;
  workDir: string;
}): string {
  const q = JSON.stringify;
  const passphrase = `new lib.Secret(process.env[${q(o.passphraseVariable)}] ?? "")`;
  const gpg = `{ keyring: ${q(o.keyring)}, name: ${q(o.name)}, passphrase: ${passphrase} }`;
  const files = `packageFile: ${q(o.packageFile)}, chartDir: ${q(o.chartDir)}`;
  return `await lib.writeHelmProvenance({ ${files}, gpg: ${gpg}, env: process.env, workDir: ${q(o.workDir)} });`;
}

/**
 * syft's environment for scanning `subject` in its registry (the password goes in separately, as a secret variable).
 */
export function syftEnvironment(
  subject: string,
  username?: string,
  plainHttpHosts: readonly string[] = [],
): Record<string, string> {
  const host = registryHostOf(subject);
  return {
    SYFT_CHECK_FOR_APP_UPDATE: "false",
    ...(speaksPlainHttp(host, plainHttpHosts) ? { SYFT_REGISTRY_INSECURE_USE_HTTP: "true" } : {}),
    ...(username === undefined ? {} : { SYFT_REGISTRY_AUTH_AUTHORITY: host, SYFT_REGISTRY_AUTH_USERNAME: username }),
  };
}

/**
 * The variant of a built image to run for `platform`; without one, the engine's own where built for it, else the
 * first.
 */
export function pickVariant<V extends { readonly platform: string }>(
  variants: readonly V[],
  platform: string | undefined,
  enginePlatform: string,
): V {
  const found =
    variants.find((v) => v.platform === (platform ?? enginePlatform)) ??
    (platform === undefined ? variants[0] : undefined);
  if (!found) throw new Error(`bug: the image was not built for ${platform}`);
  return found;
}
