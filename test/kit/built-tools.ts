import { accessSync, constants, existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

// test/kit here, dist/test/kit when compiled (the demo): the versions file is in the source tree either way.
const VERSIONS = [
  new URL("../../scripts/tools/versions.json", import.meta.url),
  new URL("../../../scripts/tools/versions.json", import.meta.url),
].find((u) => existsSync(u))!;

/**
 * The path of `binary` from the infrastructure tool `tool` (scripts/tools/versions.json),
 * built by `.ci/run` into <cache>/charthouse/tools/<tool>-<version>/. A test never builds
 * one: when it is missing this says the one command that does.
 */
export function builtTool(tool: string, binary: string, env: NodeJS.ProcessEnv = process.env): string {
  const versions = JSON.parse(readFileSync(VERSIONS, "utf8")) as Record<string, { version: string }>;
  const entry = versions[tool];
  if (!entry) throw new Error(`scripts/tools/versions.json names no tool ${tool}`);
  const path = join(
    env.XDG_CACHE_HOME || join(homedir(), ".cache"),
    "charthouse",
    "tools",
    `${tool}-${entry.version}`,
    binary,
  );
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(
      `${binary} (${tool} ${entry.version}) is not built: run \`node scripts/tools/build-tools.mjs ${tool}\` (bash ` +
        ".ci/run builds every tool)",
    );
  }
  return path;
}
