import type { PolicyRule } from "./derive-role.js";

/** One thing the updater may or may not do: a verb on a resource of a group, perhaps one object by name. */
export interface Permission {
  readonly group: string;
  readonly resource: string;
  readonly verb: string;
  readonly name?: string;
}

/** A rule as a SelfSubjectRulesReview returns it (absent lists are empty). */
export interface GrantedRule {
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly verbs: readonly string[];
  readonly resourceNames?: readonly string[];
}

/** Every single permission a set of rules asks for. */
export function permissionsOf(rules: readonly PolicyRule[]): Permission[] {
  return rules.flatMap((rule) =>
    rule.apiGroups.flatMap((group) =>
      rule.resources.flatMap((resource) =>
        rule.verbs.flatMap((verb) =>
          rule.resourceNames?.length
            ? rule.resourceNames.map((name) => ({ group, resource, verb, name }))
            : [{ group, resource, verb }],
        ),
      ),
    ),
  );
}

const covers = (list: readonly string[] | undefined, value: string) =>
  list?.some((v) => v === "*" || v === value) === true;

/** Whether `granted` allows `p`: a rule limited to names allows only a request for one of them. */
export function allows(granted: readonly GrantedRule[], p: Permission): boolean {
  return granted.some(
    (g) =>
      covers(g.verbs, p.verb) &&
      covers(g.apiGroups, p.group) &&
      covers(g.resources, p.resource) &&
      (!g.resourceNames?.length || (p.name !== undefined && g.resourceNames.includes(p.name))),
  );
}

/** The permissions of `required` that `granted` does not allow, as rules a person can paste into rbac.rules. */
export function missingRules(required: readonly PolicyRule[], granted: readonly GrantedRule[]): PolicyRule[] {
  const missing = permissionsOf(required).filter((p) => !allows(granted, p));
  const byResource = new Map<string, { group: string; resource: string; name?: string; verbs: string[] }>();
  for (const p of missing) {
    const key = JSON.stringify([p.group, p.resource, p.name ?? null]);
    const entry = byResource.get(key) ?? { group: p.group, resource: p.resource, name: p.name, verbs: [] };
    entry.verbs.push(p.verb);
    byResource.set(key, entry);
  }
  return [...byResource.values()].map((e) => ({
    apiGroups: [e.group],
    resources: [e.resource],
    verbs: e.verbs,
    ...(e.name !== undefined ? { resourceNames: [e.name] } : {}),
  }));
}

/** `create, patch networkpolicies.networking.k8s.io` — a rule as one phrase. */
export function describeRule(rule: PolicyRule): string {
  const resource = rule.resources.map((r) => (rule.apiGroups[0] ? `${r}.${rule.apiGroups[0]}` : r)).join(", ");
  return (
    `${rule.verbs.join(", ")} ` +
    `${resource}${rule.resourceNames?.length ? ` named ${rule.resourceNames.join(", ")}` : ""}`
  );
}
