/** Where the API serves a kind: its group, its resource (plural) and whether it lives in a namespace. */
export interface KindInfo {
  readonly group: string;
  readonly resource: string;
  readonly namespaced: boolean;
}

/**
 * The built-in kinds a chart renders, by `<group>/<Kind>` (the core group is ""): what a
 * discovery call would say, written down so deriving a Role needs no cluster. A test holds it
 * to what kube-apiserver 1.34's discovery answers (test/fixtures/kube/api-resources-v1.34.txt).
 */
const BUILT_IN: Readonly<Record<string, readonly [resource: string, namespaced: boolean]>> = {
  "/ConfigMap": ["configmaps", true],
  "/Secret": ["secrets", true],
  "/Service": ["services", true],
  "/ServiceAccount": ["serviceaccounts", true],
  "/PersistentVolumeClaim": ["persistentvolumeclaims", true],
  "/Pod": ["pods", true],
  "/Endpoints": ["endpoints", true],
  "/LimitRange": ["limitranges", true],
  "/ResourceQuota": ["resourcequotas", true],
  "/ReplicationController": ["replicationcontrollers", true],
  "/PodTemplate": ["podtemplates", true],
  "/Event": ["events", true],
  "/Namespace": ["namespaces", false],
  "/PersistentVolume": ["persistentvolumes", false],
  "/Node": ["nodes", false],
  "apps/Deployment": ["deployments", true],
  "apps/StatefulSet": ["statefulsets", true],
  "apps/DaemonSet": ["daemonsets", true],
  "apps/ReplicaSet": ["replicasets", true],
  "apps/ControllerRevision": ["controllerrevisions", true],
  "batch/Job": ["jobs", true],
  "batch/CronJob": ["cronjobs", true],
  "networking.k8s.io/Ingress": ["ingresses", true],
  "networking.k8s.io/NetworkPolicy": ["networkpolicies", true],
  "networking.k8s.io/IngressClass": ["ingressclasses", false],
  "policy/PodDisruptionBudget": ["poddisruptionbudgets", true],
  "autoscaling/HorizontalPodAutoscaler": ["horizontalpodautoscalers", true],
  "discovery.k8s.io/EndpointSlice": ["endpointslices", true],
  "events.k8s.io/Event": ["events", true],
  "coordination.k8s.io/Lease": ["leases", true],
  "resource.k8s.io/ResourceClaim": ["resourceclaims", true],
  "resource.k8s.io/ResourceClaimTemplate": ["resourceclaimtemplates", true],
  "node.k8s.io/RuntimeClass": ["runtimeclasses", false],
  "storage.k8s.io/CSIDriver": ["csidrivers", false],
  "admissionregistration.k8s.io/ValidatingAdmissionPolicy": ["validatingadmissionpolicies", false],
  "admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding": ["validatingadmissionpolicybindings", false],
  "rbac.authorization.k8s.io/Role": ["roles", true],
  "rbac.authorization.k8s.io/RoleBinding": ["rolebindings", true],
  "rbac.authorization.k8s.io/ClusterRole": ["clusterroles", false],
  "rbac.authorization.k8s.io/ClusterRoleBinding": ["clusterrolebindings", false],
  "apiextensions.k8s.io/CustomResourceDefinition": ["customresourcedefinitions", false],
  "storage.k8s.io/StorageClass": ["storageclasses", false],
  "scheduling.k8s.io/PriorityClass": ["priorityclasses", false],
  "admissionregistration.k8s.io/ValidatingWebhookConfiguration": ["validatingwebhookconfigurations", false],
  "admissionregistration.k8s.io/MutatingWebhookConfiguration": ["mutatingwebhookconfigurations", false],
  "apiregistration.k8s.io/APIService": ["apiservices", false],
};

/** `apps/v1` → `apps`; `v1` → "" (the core group). */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.lastIndexOf("/");
  return slash < 0 ? "" : apiVersion.slice(0, slash);
}

/**
 * The kind's group, resource and scope; undefined for a kind not built in (a custom
 * resource), whose plural and scope only its CustomResourceDefinition knows.
 */
export function kindInfo(apiVersion: string, kind: string): KindInfo | undefined {
  const group = groupOf(apiVersion);
  const known = BUILT_IN[`${group}/${kind}`];
  return known ? { group, resource: known[0], namespaced: known[1] } : undefined;
}
