import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { ConfigError } from "../errors.js";

/** Debian packages that provide the tools the local registry and engine need. */
export const TOOL_PACKAGES: Record<string, string> = {
  "docker-registry": "docker-registry",
  htpasswd: "apache2-utils",
  dockerd: "docker.io",
  docker: "docker.io",
  busybox: "busybox-static",
  skopeo: "skopeo",
  openssl: "openssl",
  containerd: "containerd",
  "containerd-shim-runc-v2": "containerd",
  ctr: "containerd",
  runc: "runc",
  slirp4netns: "slirp4netns",
  iptables: "iptables",
  unshare: "util-linux",
};

/**
 * The absolute path of `tool` on `path` (default: this process's PATH), or a ConfigError saying what to install. Never
 * a silent skip.
 */
export function requireTool(tool: string, path: string | undefined = process.env.PATH): string {
  for (const dir of (path ?? "").split(":").concat(["/usr/sbin", "/sbin", "/usr/bin"])) {
    try {
      accessSync(`${dir}/${tool}`, constants.X_OK);
      return `${dir}/${tool}`;
    } catch {
      // not in this directory
    }
  }
  const pkg = TOOL_PACKAGES[tool];
  throw new ConfigError(
    `${tool} is not installed: install it with \`apt-get install ${pkg ?? tool}\` (bash .ci/run installs everything ` +
      "the tests need)",
  );
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
