import { mkdirSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Credentials } from "../../registry/credentials.js";

/**
 * Where `docker-credential-charthouse` lives: the package's bin/ (from src/engines/docker, dist/src/engines/docker, or
 * the bundled dist/cli).
 */
function binDirs(): string[] {
  return [
    fileURLToPath(new URL("../../../bin", import.meta.url)),
    fileURLToPath(new URL("../../../../bin", import.meta.url)),
    fileURLToPath(new URL("../../bin", import.meta.url)),
  ];
}

/**
 * The environment to run docker and helm in: their config, cache and registry files in `workDir` (never the user's,
 * though its CLI plugins such as buildx are still found there), and — when there are credentials — a config that
 * names the charthouse credential helper for `registryHost`, which reads them from this environment. No password is
 * written to any file.
 */
export function toolEnvironment(
  workDir: string,
  registryHost: string,
  credentials: Credentials | undefined,
  base: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  const dockerConfig = join(workDir, "docker");
  const helmHome = join(workDir, "helm");
  for (const dir of [dockerConfig, join(helmHome, "cache"), join(helmHome, "config"), join(helmHome, "data")])
    mkdirSync(dir, { recursive: true });
  const helpers = credentials ? { credHelpers: { [registryHost]: "charthouse" } } : {};
  // docker looks for CLI plugins (buildx) beside its config: keep finding the user's.
  const plugins = {
    cliPluginsExtraDirs: [join(base.DOCKER_CONFIG || join(base.HOME || homedir(), ".docker"), "cli-plugins")],
  };
  writeFileSync(join(dockerConfig, "config.json"), JSON.stringify({ ...helpers, ...plugins }));
  writeFileSync(join(helmHome, "registry.json"), JSON.stringify(helpers));
  const env: NodeJS.ProcessEnv = {
    ...base,
    PATH: [...binDirs(), base.PATH ?? ""].join(delimiter),
    DOCKER_CONFIG: dockerConfig,
    HELM_REGISTRY_CONFIG: join(helmHome, "registry.json"),
    HELM_CACHE_HOME: join(helmHome, "cache"),
    HELM_CONFIG_HOME: join(helmHome, "config"),
    HELM_DATA_HOME: join(helmHome, "data"),
    CHARTHOUSE_REGISTRY_HOST: registryHost,
  };
  delete env.CHARTHOUSE_REGISTRY_USERNAME;
  delete env.CHARTHOUSE_REGISTRY_PASSWORD;
  if (credentials) {
    env.CHARTHOUSE_REGISTRY_USERNAME = credentials.username;
    env.CHARTHOUSE_REGISTRY_PASSWORD = credentials.password.reveal();
  }
  return env;
}
