import { createHash } from "node:crypto";
import { accessSync, constants, existsSync, readdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

// test/kit here, dist/test/kit when compiled (the demo): the versions file is in the source tree either way.
const VERSIONS = [
  new URL("../../scripts/tools/versions.json", import.meta.url),
  new URL("../../../scripts/tools/versions.json", import.meta.url),
].find((u) => existsSync(u))!;

interface ToolEntry {
  readonly version?: string;
  /** A tool of our own: its Go module folder, relative to the repository. */
  readonly source?: string;
}

/**
 * The version a tool is cached under, as scripts/tools/build-tools.mjs names it: the pinned
 * version, or for a tool of our own `src-` and the first 12 hex of a SHA-256 over its
 * folder's files (name, NUL, content, NUL, in name order), so an edit is a new version.
 */
export function toolVersion(tool: string): string {
  const entry = (JSON.parse(readFileSync(VERSIONS, "utf8")) as Record<string, ToolEntry>)[tool];
  if (!entry) throw new Error(`scripts/tools/versions.json names no tool ${tool}`);
  if (!entry.source) return entry.version!;
  const dir = fileURLToPath(new URL(`../../${entry.source}`, VERSIONS));
  const hash = createHash("sha256");
  for (const file of readdirSync(dir).sort())
    hash
      .update(`${file}\0`)
      .update(readFileSync(join(dir, file)))
      .update("\0");
  return `src-${hash.digest("hex").slice(0, 12)}`;
}

/**
 * The path of `binary` from the infrastructure tool `tool` (scripts/tools/versions.json),
 * built by `.ci/run` into <cache>/charthouse/tools/<tool>-<version>/. A test never builds
 * one: when it is missing this says the one command that does.
 */
export function builtTool(tool: string, binary: string, env: NodeJS.ProcessEnv = process.env): string {
  const version = toolVersion(tool);
  return executable(
    toolPath(`${tool}-${version}`, binary, env),
    `${binary} (${tool} ${version}) is not built: run \`node scripts/tools/build-tools.mjs ${tool}\``,
  );
}

/**
 * Where scripts/tools/dagger/build-rootfs.mjs caches the Dagger engine's rootfs: `dagger-rootfs-<engine version>-`
 * and the first 12 hex of a SHA-256 over its recipe folder's files (as toolVersion does for a tool of our own).
 */
export function daggerRootfsDir(env: NodeJS.ProcessEnv = process.env): string {
  const recipe = fileURLToPath(new URL("dagger/rootfs/", VERSIONS));
  const hash = createHash("sha256");
  for (const file of readdirSync(recipe).sort())
    hash
      .update(`${file}\0`)
      .update(readFileSync(join(recipe, file)))
      .update("\0");
  return toolPath(`dagger-rootfs-${toolVersion("dagger")}-${hash.digest("hex").slice(0, 12)}`, "", env).replace(
    /\/$/,
    "",
  );
}

/**
 * Debian trixie's skopeo, the one with sigstore verification (bookworm's has it cut out), installed on its own loader
 * by scripts/tools/install-debian-skopeo.sh at the version scripts/tools/debian.json pins.
 */
export function debianSkopeo(env: NodeJS.ProcessEnv = process.env): string {
  const entry = (JSON.parse(readFileSync(new URL("debian.json", VERSIONS), "utf8")) as Record<string, ToolEntry>)
    .skopeo!;
  return executable(
    toolPath(`skopeo-${entry.version}`, "skopeo", env),
    `skopeo ${entry.version} (Debian trixie) is not installed: run \`bash scripts/tools/install-debian-skopeo.sh\``,
  );
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
