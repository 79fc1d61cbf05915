import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { ConfigError } from "../errors.js";

/**
 * The absolute path of `tool` on `path` (default: this process's PATH), or a ConfigError saying it is missing and
 * `install`, how to get it. Never a silent skip.
 */
export function requireTool(
  tool: string,
  path: string | undefined = process.env.PATH,
  install = "install it and put it on PATH",
): string {
  for (const dir of (path ?? "").split(":").concat(["/usr/sbin", "/sbin", "/usr/bin"])) {
    try {
      accessSync(`${dir}/${tool}`, constants.X_OK);
      return `${dir}/${tool}`;
    } catch {
      // not in this directory
    }
  }
  throw new ConfigError(`${tool} is not installed: ${install}`);
}

/** A tool the signing needs: $CHARTHOUSE_<TOOL>, else on PATH; else a ConfigError saying how to get it. */
export function signingTool(tool: "cosign" | "syft" | "gpg", env: NodeJS.ProcessEnv): string {
  const set = env[`CHARTHOUSE_${tool.toUpperCase()}`];
  if (set) return set;
  for (const dir of (env.PATH ?? "").split(delimiter).filter(Boolean)) {
    try {
      accessSync(join(dir, tool), constants.X_OK);
      return join(dir, tool);
    } catch {
      // not here
    }
  }
  const how =
    tool === "gpg"
      ? "apt-get install gnupg"
      : `put ${tool} on PATH or set CHARTHOUSE_${tool.toUpperCase()} (node scripts/tools/build-tools.mjs ${tool} ` +
        "builds it)";
  throw new ConfigError(`signing needs ${tool}, which is not installed: ${how}. Nothing was built or pushed.`);
}
