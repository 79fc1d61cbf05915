import { stringify } from "yaml";

/** Who a kubeconfig authenticates as: a client certificate, or a bearer token (a service account's). */
export type KubeCredentials =
  | { readonly kind: "certificate"; readonly cert: string; readonly key: string }
  | { readonly kind: "token"; readonly token: string };

/**
 * A kubeconfig with one cluster, one user and one context. With a token it has the shape
 * a pod's in-cluster config has: the server, the cluster CA and the service account's token,
 * nothing else.
 */
export function kubeconfigYaml(opts: {
  server: string;
  caFile: string;
  credentials: KubeCredentials;
  namespace?: string;
}): string {
  const user =
    opts.credentials.kind === "certificate"
      ? { "client-certificate": opts.credentials.cert, "client-key": opts.credentials.key }
      : { token: opts.credentials.token };
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "charthouse-test", cluster: { server: opts.server, "certificate-authority": opts.caFile } }],
    users: [{ name: "user", user }],
    contexts: [
      {
        name: "charthouse-test",
        context: { cluster: "charthouse-test", user: "user", ...(opts.namespace ? { namespace: opts.namespace } : {}) },
      },
    ],
    "current-context": "charthouse-test",
  });
}
