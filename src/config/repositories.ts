import { parseRepository } from "../registry/reference.js";
import type { Config } from "./types.js";

/**
 * Every repository the config publishes to (`<registry>/<image repository>`,
 * `<registry>/<chart repository>/<chart name>`): what the registry reader lists and
 * `charthouse check --online` asks push rights for. A run asks only for the
 * repositories its steps push to (pushedRepositories).
 */
export function declaredRepositories(config: Config): string[] {
  return [
    ...config.images.map((i) => `${config.registry}/${i.repository}`),
    ...config.charts.map((c) => `${config.registry}/${c.repository}/${c.name}`),
  ];
}

/** The registry host of a config: `ghcr.io` of `ghcr.io/samvera`. */
export function registryHost(config: Pick<Config, "registry">): string {
  return parseRepository(`${config.registry}/x`).host;
}

/**
 * The registry hosts the config declares plain HTTP (`plainHttp: true`): its own registry's, or none. Loopback
 * registries need no declaration (speaksPlainHttp).
 */
export function plainHttpHosts(config: Pick<Config, "registry" | "plainHttp">): string[] {
  return config.plainHttp ? [registryHost(config)] : [];
}
