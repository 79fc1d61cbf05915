import { parseAllDocuments } from "yaml";
import { controlsConfigMap } from "./controls.js";
import { kindInfo } from "./kinds.js";

/** One rule of a Role, as rbac.authorization.k8s.io/v1 writes it. */
export interface PolicyRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
  readonly resourceNames?: readonly string[];
}

/** An object a chart renders, as far as a Role cares. */
export interface RenderedKind {
  readonly apiVersion: string;
  readonly kind: string;
}

export type RoleDerivation =
  | { readonly ok: true; readonly rules: readonly PolicyRule[]; readonly kinds: readonly string[] }
  | { readonly ok: false; readonly problems: readonly string[] };

/** What helm upgrade --install --atomic --wait does to an object it manages. */
export const MANAGE = ["get", "list", "watch", "create", "update", "patch", "delete"] as const;
const READ = ["get", "list", "watch"] as const;
/**
 * helm --wait reads these besides the workload to tell whether it is ready (helm 3's ready checker, helm 4's kstatus
 * readers).
 */
const WAIT_READS: Readonly<Record<string, readonly (readonly [group: string, resource: string])[]>> = {
  "apps/deployments": [
    ["apps", "replicasets"],
    ["", "pods"],
  ],
  "apps/statefulsets": [["", "pods"]],
  "apps/daemonsets": [["", "pods"]],
  "batch/jobs": [["", "pods"]],
};
/** helm keeps a release's revisions as Secrets in the release's namespace (its default storage driver). */
const HELM_STORAGE = ["get", "list", "create", "update", "patch", "delete"] as const;

/** The kinds of every object in `helm template` output (hooks included; empty documents skipped). */
export function renderedKinds(manifests: string): RenderedKind[] {
  return parseAllDocuments(manifests)
    .map((doc) => doc.toJS() as { apiVersion?: unknown; kind?: unknown } | null)
    .filter((o): o is RenderedKind => typeof o?.apiVersion === "string" && typeof o.kind === "string")
    .map(({ apiVersion, kind }) => ({ apiVersion, kind }));
}

/**
 * The Role an updater needs to keep `release` at the newest version of a chart that
 * renders `objects`, and no more: every namespaced kind the chart renders managed, what
 * helm --wait reads to judge readiness read, helm's release Secrets, and get on the
 * release's controls ConfigMap. A cluster-scoped kind cannot be granted by a Role, and a
 * custom resource's plural and scope are unknown without its definition: both are
 * problems, each saying what to do.
 */
export function deriveRole(objects: readonly RenderedKind[], release: string): RoleDerivation {
  const manage = new Map<string, Set<string>>();
  const read = new Map<string, Set<string>>();
  const add = (to: Map<string, Set<string>>, group: string, resource: string) =>
    to.set(group, (to.get(group) ?? new Set()).add(resource));
  const problems: string[] = [];
  const kinds = new Set<string>();
  for (const { apiVersion, kind } of objects) {
    const info = kindInfo(apiVersion, kind);
    if (!info) {
      problems.push(
        `${kind} (${apiVersion}) is not a built-in kind: charthouse cannot tell its resource name or scope; grant it ` +
          "in the updater chart's rbac.rules yourself",
      );
      continue;
    }
    if (!info.namespaced) {
      problems.push(
        `${kind} (${apiVersion}) is cluster-scoped: a Role in the release's namespace cannot grant it; install it ` +
          "once outside the updater and leave it out of what the updater upgrades",
      );
      continue;
    }
    kinds.add(kind);
    add(manage, info.group, info.resource);
    for (const [group, resource] of WAIT_READS[`${info.group}/${info.resource}`] ?? []) add(read, group, resource);
  }
  if (problems.length) return { ok: false, problems: [...new Set(problems)] };

  const rules: PolicyRule[] = [];
  for (const group of [...manage.keys()].sort())
    rules.push({ apiGroups: [group], resources: [...manage.get(group)!].sort(), verbs: [...MANAGE] });
  for (const group of [...read.keys()].sort()) {
    // One read-only resource per group today (pods, replicasets): no order to settle.
    const resources = [...read.get(group)!].filter((r) => !manage.get(group)?.has(r));
    if (resources.length) rules.push({ apiGroups: [group], resources, verbs: [...READ] });
  }
  if (!manage.get("")?.has("secrets"))
    rules.push({ apiGroups: [""], resources: ["secrets"], verbs: [...HELM_STORAGE] });
  if (!manage.get("")?.has("configmaps"))
    rules.push({
      apiGroups: [""],
      resources: ["configmaps"],
      resourceNames: [controlsConfigMap(release)],
      verbs: ["get"],
    });
  return { ok: true, rules, kinds: [...kinds].sort() };
}
