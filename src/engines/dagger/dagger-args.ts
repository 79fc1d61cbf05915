import { posix } from "node:path";
import { helmArgs } from "../../chart/helm-args.js";
import { shellQuote } from "../../pipeline/shell-quote.js";
import type { BuildSpec, ServicePlan } from "../../plan/types.js";
import { isLoopbackHost, parseRepository } from "../../registry/reference.js";

// The decisions of the Dagger adapter (ci/src/engine.ts), made here in tested code as the Docker
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
  return { args: [...service.ready], opts: { startPeriod: `${service.readyTimeoutSeconds}s`, startInterval: "250ms", interval: "1s", retries: 1 } };
}

/**
 * The shell command that pushes a chart package with helm: with a username, a `helm registry login`
 * first that reads the password from $CHARTHOUSE_REGISTRY_PASSWORD on stdin (never argv or a file).
 */
export function helmPushScript(file: string, pushTo: string, username?: string): string {
  const host = parseRepository(pushTo.slice("oci://".length)).host;
  const plainHttp = isLoopbackHost(host);
  const push = shellQuote(["helm", ...helmArgs.push(file, pushTo, { plainHttp })]);
  if (username === undefined) return push;
  return `printf %s "$CHARTHOUSE_REGISTRY_PASSWORD" | ${shellQuote(["helm", ...helmArgs.registryLogin(host, username, { plainHttp })])} && ${push}`;
}

/** The registry host of an image reference (`host/namespace/name:tag`). */
export function referenceHost(reference: string): string {
  return parseRepository(reference.slice(0, reference.lastIndexOf(":"))).host;
}
