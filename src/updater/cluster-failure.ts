const WHERE =
  "run sync in the cluster (the updater chart's CronJob, with its ServiceAccount) or point KUBECONFIG at one";

/** Why a connection to the cluster failed, in the words of Go's network and TLS errors. */
const NETWORK_CAUSE = new RegExp(
  `(${[
    "connection refused",
    "i/o timeout",
    "no such host",
    "no route to host",
    "network is unreachable",
    "TLS handshake timeout",
    'x509: [^"\\n]*',
  ].join("|")})`,
);

/**
 * helm's and kubectl's words for "no cluster answers" (kubectl repeats them as klog lines
 * five times over), said once and plainly: where it tried, why it failed, what to do.
 * Undefined for any other failure, which is reported as the tool said it.
 */
export function plainClusterFailure(output: string): string | undefined {
  if (/\(Unauthorized\)/.test(output))
    return (
      "the cluster refused the updater's credentials (Unauthorized): its ServiceAccount token may have expired " +
      "or been revoked"
    );
  const unreachable =
    /cluster unreachable|couldn't get current server API group list|The connection to the server .* was refused/i.test(
      output,
    );
  if (!unreachable) return undefined;
  if (/localhost:8080/.test(output)) {
    return (
      "no cluster configured: no in-cluster ServiceAccount and no kubeconfig (helm and kubectl fell back to " +
      "localhost:8080): run sync in the cluster (the updater chart's CronJob) or point KUBECONFIG at one"
    );
  }
  const server =
    output.match(/Get \\?"(https?:\/\/[^/"\\]+)/)?.[1] ??
    output.match(/connection to the server (\S+) was refused/)?.[1];
  const cause = output.match(NETWORK_CAUSE)?.[1];
  return `no cluster reachable${server ? ` at ${server}` : ""}${cause ? ` (${cause})` : ""}: ${WHERE}`;
}
