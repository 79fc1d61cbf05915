import { Document, isScalar, isSeq, visit } from "yaml";
import { helmArgs } from "../chart/helm-args.js";
import { isLoopbackHost, parseRepository } from "../registry/reference.js";
import { deriveRole, renderedKinds, type RoleDerivation } from "./derive-role.js";

export interface UpdaterRoleOptions {
  /** A chart directory or `oci://…` reference. */
  readonly chart: string;
  /** Required for an OCI reference: the version whose kinds decide. */
  readonly version?: string;
  readonly release: string;
  readonly namespace: string;
  readonly values?: string;
}

/**
 * The Role the updater needs for one version of a chart: renders it with helm (the same
 * release name, namespace and values the upgrade will use) and derives the rules from the
 * kinds it renders.
 */
export async function deriveUpdaterRole(
  o: UpdaterRoleOptions,
  render: (args: readonly string[]) => Promise<string>,
): Promise<RoleDerivation> {
  const oci = o.chart.startsWith("oci://");
  const plainHttp = oci && isLoopbackHost(parseRepository(o.chart.slice("oci://".length)).host);
  const args = o.version
    ? helmArgs.render(o.release, o.chart, o.version, { namespace: o.namespace, values: o.values, plainHttp })
    : [
        ...helmArgs.template(o.release, o.chart),
        "--namespace",
        o.namespace,
        ...(o.values ? ["--values", o.values] : []),
      ];
  return deriveRole(renderedKinds(await render(args)), o.release);
}

/** A values file for deploy/updater holding the derived rules, saying where they came from. */
export function updaterRoleValues(o: UpdaterRoleOptions, role: Extract<RoleDerivation, { ok: true }>): string {
  const from = `${o.chart}${o.version ? ` ${o.version}` : ""}`;
  return (
    `# The updater's Role for release ${o.release} in ${o.namespace}, derived by charthouse updater-role from ` +
    `${from}:\n` +
    `# it manages what the chart renders (${role.kinds.join(", ") || "nothing"}), reads what helm --wait reads,\n` +
    `# keeps helm's release records and reads the release's sync controls. Pass it to deploy/updater with -f.\n` +
    compact({ rbac: { rules: role.rules } })
  );
}

/** YAML with lists of scalars on one line (`verbs: [get, list]`), the way RBAC rules are usually written. */
function compact(value: unknown): string {
  const doc = new Document(value);
  visit(doc, { Seq: (_, node) => void (isSeq(node) && node.items.every(isScalar) && (node.flow = true)) });
  return doc.toString();
}
