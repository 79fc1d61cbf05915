import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { deriveRole, renderedKinds } from "../../../src/updater/derive-role.js";
import { groupOf, kindInfo } from "../../../src/updater/kinds.js";

const ALL = ["get", "list", "watch", "create", "update", "patch", "delete"];
const k = (apiVersion: string, kind: string) => ({ apiVersion, kind });

describe("renderedKinds", () => {
  it("reads every document's apiVersion and kind, hooks included, and skips empty ones", () => {
    const text =
      "---\n# Source: a/templates/x.yaml\napiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\n---\n" +
      "# only a comment\n---\napiVersion: batch/v1\nkind: Job\nmetadata:\n" +
      "  annotations: {helm.sh/hook: pre-upgrade}\n---\nkind: NoVersion\n---\napiVersion: v1\n";
    expect(renderedKinds(text)).toEqual([k("v1", "Service"), k("batch/v1", "Job")]);
  });
});

// What kube-apiserver 1.34 answers to `kubectl api-resources` (recorded from the test control
// plane; test/integration/cluster/control-plane.test.ts checks it still does): NAME [SHORTNAMES] APIVERSION NAMESPACED
// KIND.
const DISCOVERY = readFileSync(new URL("../../fixtures/kube/api-resources-v1.34.txt", import.meta.url), "utf8")
  .trim()
  .split("\n")
  .map((line) => line.trim().split(/\s+/))
  .map((f) => ({ resource: f[0]!, apiVersion: f.at(-3)!, namespaced: f.at(-2) === "true", kind: f.at(-1)! }));
/** Kinds a chart does not render (reviews, node and cluster plumbing), left out of the table on purpose. */
const NOT_RENDERED = [
  "Binding",
  "CertificateSigningRequest",
  "ComponentStatus",
  "CSINode",
  "CSIStorageCapacity",
  "DeviceClass",
  "FlowSchema",
  "IPAddress",
  "LocalSubjectAccessReview",
  "PriorityLevelConfiguration",
  "ResourceSlice",
  "SelfSubjectAccessReview",
  "SelfSubjectReview",
  "SelfSubjectRulesReview",
  "ServiceCIDR",
  "SubjectAccessReview",
  "TokenReview",
  "VolumeAttachment",
  "VolumeAttributesClass",
];

describe("kindInfo", () => {
  it("says what the API server's discovery says, for every kind a chart may render", () => {
    expect(DISCOVERY.length).toBeGreaterThan(60);
    for (const { resource, apiVersion, namespaced, kind } of DISCOVERY) {
      const expected = NOT_RENDERED.includes(kind) ? undefined : { group: groupOf(apiVersion), resource, namespaced };
      expect(kindInfo(apiVersion, kind), `${kind} (${apiVersion})`).toEqual(expected);
    }
  });

  it.each([
    { apiVersion: "v1", kind: "Secret", expected: { group: "", resource: "secrets", namespaced: true } },
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      expected: { group: "apps", resource: "deployments", namespaced: true },
    },
    {
      apiVersion: "networking.k8s.io/v1",
      kind: "IngressClass",
      expected: { group: "networking.k8s.io", resource: "ingressclasses", namespaced: false },
    },
    { apiVersion: "v1", kind: "Deployment", expected: undefined },
    { apiVersion: "example.org/v1", kind: "Widget", expected: undefined },
  ])("$kind ($apiVersion)", ({ apiVersion, kind, expected }) => expect(kindInfo(apiVersion, kind)).toEqual(expected));

  it("reads the group from an apiVersion", () => {
    expect([groupOf("v1"), groupOf("apps/v1"), groupOf("rbac.authorization.k8s.io/v1")]).toEqual([
      "",
      "apps",
      "rbac.authorization.k8s.io",
    ]);
  });
});

describe("deriveRole", () => {
  it(
    "manages each namespaced kind the chart renders, reads what --wait reads, and keeps helm's records and the " +
      "controls",
    () => {
      const result = deriveRole(
        [
          k("apps/v1", "Deployment"),
          k("v1", "Service"),
          k("v1", "Service"),
          k("networking.k8s.io/v1", "Ingress"),
          k("batch/v1", "Job"),
        ],
        "hyrax",
      );
      expect(result).toEqual({
        ok: true,
        kinds: ["Deployment", "Ingress", "Job", "Service"],
        rules: [
          { apiGroups: [""], resources: ["services"], verbs: ALL },
          { apiGroups: ["apps"], resources: ["deployments"], verbs: ALL },
          { apiGroups: ["batch"], resources: ["jobs"], verbs: ALL },
          { apiGroups: ["networking.k8s.io"], resources: ["ingresses"], verbs: ALL },
          { apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch"] },
          { apiGroups: ["apps"], resources: ["replicasets"], verbs: ["get", "list", "watch"] },
          { apiGroups: [""], resources: ["secrets"], verbs: ["get", "list", "create", "update", "patch", "delete"] },
          { apiGroups: [""], resources: ["configmaps"], resourceNames: ["charthouse-sync-hyrax"], verbs: ["get"] },
        ],
      });
    },
  );

  it(
    "adds nothing twice: a chart's own Secrets, ConfigMaps and Pods already cover helm's records, the controls and " +
      "--wait",
    () => {
      const result = deriveRole(
        [k("v1", "Secret"), k("v1", "ConfigMap"), k("v1", "Pod"), k("apps/v1", "StatefulSet")],
        "r",
      );
      expect(result).toEqual({
        ok: true,
        kinds: ["ConfigMap", "Pod", "Secret", "StatefulSet"],
        rules: [
          { apiGroups: [""], resources: ["configmaps", "pods", "secrets"], verbs: ALL },
          { apiGroups: ["apps"], resources: ["statefulsets"], verbs: ALL },
        ],
      });
    },
  );

  it.each([
    { kind: "StatefulSet", apiVersion: "apps/v1" },
    { kind: "DaemonSet", apiVersion: "apps/v1" },
    { kind: "Job", apiVersion: "batch/v1" },
  ])("reads the pods of a $kind, which helm --wait looks at", ({ kind, apiVersion }) => {
    const result = deriveRole([k(apiVersion, kind)], "r");
    expect(result.ok && result.rules[1]).toEqual({
      apiGroups: [""],
      resources: ["pods"],
      verbs: ["get", "list", "watch"],
    });
  });

  it("for a chart that renders nothing still keeps helm's records and reads the controls", () => {
    const result = deriveRole([], "r");
    expect(result.ok && result.rules.map((r) => r.resources[0])).toEqual(["secrets", "configmaps"]);
  });

  it("refuses cluster-scoped and custom kinds, each once, saying what to do", () => {
    const result = deriveRole(
      [
        k("v1", "Service"),
        k("rbac.authorization.k8s.io/v1", "ClusterRole"),
        k("rbac.authorization.k8s.io/v1", "ClusterRole"),
        k("example.org/v1", "Widget"),
      ],
      "r",
    );
    expect(result).toEqual({
      ok: false,
      problems: [
        "ClusterRole (rbac.authorization.k8s.io/v1) is cluster-scoped: a Role in the release's namespace cannot " +
          "grant it; install it once outside the updater and leave it out of what the updater upgrades",
        "Widget (example.org/v1) is not a built-in kind: charthouse cannot tell its resource name or scope; grant it " +
          "in the updater chart's rbac.rules yourself",
      ],
    });
  });
});
