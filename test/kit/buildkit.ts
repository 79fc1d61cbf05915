import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, rmSync, symlinkSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { builtTool } from "./built-tools.js";

// What BuildKit and emulation need on this machine. `.ci/run` provides all of it (cached):
// buildx built from the Go module proxy, QEMU registered with binfmt_misc, Debian's arm64
// busybox. The tests only look it up, and say which command provides what is missing.

const cache = (): string => join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "charthouse");
const SETUP = "run `bash .ci/run` (or `node scripts/tools/build-tools.mjs buildx` and `bash scripts/ci/emulation.sh`)";

/** The buildx binary built by scripts/tools at the version it pins. */
export const buildxBinary = (): string => builtTool("buildx", "docker-buildx");

/** The user's Docker CLI plugin directory, where `.ci/run` installs buildx: what users have too. */
export function userPluginDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.DOCKER_CONFIG || join(env.HOME || homedir(), ".docker"), "cli-plugins");
}

/** buildx installed as the user's Docker CLI plugin (a link to the built binary), idempotent. */
export function installBuildxPlugin(env: NodeJS.ProcessEnv = process.env): string {
  const binary = buildxBinary();
  const dir = userPluginDir(env);
  const plugin = join(dir, "docker-buildx");
  mkdirSync(dir, { recursive: true });
  const current = lstatSync(plugin, { throwIfNoEntry: false });
  if (current?.isSymbolicLink() && readlinkSync(plugin) === binary) return plugin;
  if (current) rmSync(plugin);
  symlinkSync(binary, plugin);
  return plugin;
}

/** Whether `qemu-aarch64` is registered with binfmt_misc: arm64 programs then run here, in containers too. */
export function arm64Emulated(): boolean {
  try {
    const entry = readFileSync("/proc/sys/fs/binfmt_misc/qemu-aarch64", "utf8");
    return entry.startsWith("enabled") && /^flags: .*F/m.test(entry);
  } catch {
    return false;
  }
}

/** Throws, saying how to provide it, unless arm64 programs run here. */
export function requireArm64Emulation(): void {
  if (!arm64Emulated())
    throw new Error(`qemu-aarch64 is not registered with binfmt_misc (F flag): arm64 images cannot run here; ${SETUP}`);
}

/** Debian's static busybox for arm64, unpacked by scripts/ci/emulation.sh. */
export function arm64Busybox(): string {
  const binary = join(cache(), "arm64", "bin", "busybox");
  if (!existsSync(binary)) throw new Error(`the arm64 busybox is missing (${binary}): ${SETUP}`);
  return binary;
}
