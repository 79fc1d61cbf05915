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
