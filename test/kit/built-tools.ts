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
  const entry = pinned(VERSIONS, tool);
  return executable(
    toolPath(`${tool}-${entry.version}`, binary, env),
    `${binary} (${tool} ${entry.version}) is not built: run \`node scripts/tools/build-tools.mjs ${tool}\``,
  );
}

/**
 * Debian trixie's skopeo, the one with sigstore verification (bookworm's has it cut out), installed on its own loader
 * by scripts/tools/install-debian-skopeo.sh at the version scripts/tools/debian.json pins.
 */
export function debianSkopeo(env: NodeJS.ProcessEnv = process.env): string {
  const { version } = pinned(new URL("debian.json", VERSIONS), "skopeo");
  return executable(
    toolPath(`skopeo-${version}`, "skopeo", env),
    `skopeo ${version} (Debian trixie) is not installed: run \`bash scripts/tools/install-debian-skopeo.sh\``,
  );
}

function pinned(file: URL, tool: string): { version: string } {
  const entry = (JSON.parse(readFileSync(file, "utf8")) as Record<string, { version: string }>)[tool];
  if (!entry) throw new Error(`${file.pathname} names no tool ${tool}`);
  return entry;
}

const toolPath = (dir: string, binary: string, env: NodeJS.ProcessEnv): string =>
  join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "charthouse", "tools", dir, binary);

/** `path` when it is there to run; otherwise an error saying which command provides it. */
function executable(path: string, missing: string): string {
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(`${missing} (bash .ci/run installs every tool)`);
  }
  return path;
}
