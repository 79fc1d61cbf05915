import type { Cluster } from "./cluster.js";
import { deriveRole, renderedKinds } from "./derive-role.js";
import { describeRule, missingRules } from "./permissions.js";

/**
 * Before an upgrade: can the updater do everything `version` needs? Renders it (the
 * arguments of helmArgs.render), derives the Role it needs, and asks the API server what
 * this identity may do in the namespace (a SelfSubjectRulesReview). Returns why not, naming
 * each missing rule, or undefined when nothing is missing.
 */
export async function checkPermissions(
  cluster: Cluster,
  o: { release: string; namespace: string; version: string; renderArgs: readonly string[] },
): Promise<string | undefined> {
  const [manifests, granted] = await Promise.all([cluster.render(o.renderArgs), cluster.granted(o.namespace)]);
  const role = deriveRole(renderedKinds(manifests), o.release);
  if (!role.ok) return `${o.version} renders what the updater cannot be granted: ${role.problems.join("; ")}`;
  const missing = missingRules(role.rules, granted);
  if (missing.length === 0) return undefined;
  return (
    `${o.version} needs what the updater may not do in ${o.namespace}: ${missing.map(describeRule).join("; ")}. ` +
    "Nothing was changed: add these to the updater chart's rbac.rules (charthouse updater-role derives them from the " +
    "chart)"
  );
}
