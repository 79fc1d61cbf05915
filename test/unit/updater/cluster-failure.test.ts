import { describe, expect, it } from "vitest";
import { plainClusterFailure } from "../../../src/updater/cluster-failure.js";

// The words helm 4.1.4, helm 3.17.3 and kubectl 1.34 print when no cluster answers,
// recorded against a closed port and with no kubeconfig at all.
const KUBECTL_REFUSED = [
  'E1127 06:43:54.919852   23226 memcache.go:265] "Unhandled Error" err="couldn\'t get current server API group ' +
    'list: Get \\"https://127.0.0.1:1/api?timeout=32s\\": dial tcp 127.0.0.1:1: connect: connection refused"',
  'E1127 06:43:54.920192   23226 memcache.go:265] "Unhandled Error" err="couldn\'t get current server API group ' +
    'list: Get \\"https://127.0.0.1:1/api?timeout=32s\\": dial tcp 127.0.0.1:1: connect: connection refused"',
  "The connection to the server 127.0.0.1:1 was refused - did you specify the right host or port?",
].join("\n");

describe("plainClusterFailure", () => {
  it.each([
    {
      name: "helm 4, connection refused",
      output:
        'Error: kubernetes cluster unreachable: Get "https://127.0.0.1:1/version": dial tcp 127.0.0.1:1: connect: ' +
        "connection refused\n",
      expected: "no cluster reachable at https://127.0.0.1:1 (connection refused)",
    },
    {
      name: "helm 3, connection refused",
      output:
        'Error: Kubernetes cluster unreachable: Get "https://10.96.0.1:443/version": dial tcp 10.96.0.1:443: i/o ' +
        "timeout\n",
      expected: "no cluster reachable at https://10.96.0.1:443 (i/o timeout)",
    },
    {
      name: "kubectl's log lines",
      output: KUBECTL_REFUSED,
      expected: "no cluster reachable at https://127.0.0.1:1 (connection refused)",
    },
    {
      name: "a name that does not resolve",
      output:
        'Error: Kubernetes cluster unreachable: Get "https://k8s.example:6443/version": dial tcp: lookup k8s.example ' +
        "on 127.0.0.53:53: no such host\n",
      expected: "no cluster reachable at https://k8s.example:6443 (no such host)",
    },
    {
      name: "kubectl's last line alone (no cause in it)",
      output: "The connection to the server 10.96.0.1:443 was refused - did you specify the right host or port?\n",
      expected: "no cluster reachable at 10.96.0.1:443",
    },
    {
      name: "a plain-HTTP server elsewhere",
      output:
        'Error: Kubernetes cluster unreachable: Get "http://10.0.0.7:8081/version": dial tcp 10.0.0.7:8081: connect: ' +
        "no route to host\n",
      expected: "no cluster reachable at http://10.0.0.7:8081 (no route to host)",
    },
    {
      name: "a certificate not trusted",
      output:
        'Error: Kubernetes cluster unreachable: Get "https://10.0.0.7:6443/version": tls: failed to verify ' +
        "certificate: x509: certificate signed by unknown authority\n",
      expected: "no cluster reachable at https://10.0.0.7:6443 (x509: certificate signed by unknown authority)",
    },
    {
      name: "neither where nor why",
      output: "Error: Kubernetes cluster unreachable\n",
      expected: "no cluster reachable",
    },
  ])("$name", ({ output, expected }) => {
    expect(plainClusterFailure(output)).toBe(
      `${expected}: run sync in the cluster (the updater chart's CronJob, with its ServiceAccount) or point ` +
        "KUBECONFIG at one",
    );
  });

  it("says when nothing says where the cluster is (helm and kubectl fall back to localhost:8080)", () => {
    const helm =
      'Error: kubernetes cluster unreachable: Get "http://localhost:8080/version": dial tcp 127.0.0.1:8080: connect: ' +
      "connection refused\n";
    const kubectl =
      "The connection to the server localhost:8080 was refused - did you specify the right host or port?\n";
    for (const output of [helm, kubectl]) {
      expect(plainClusterFailure(output)).toBe(
        "no cluster configured: no in-cluster ServiceAccount and no kubeconfig (helm and kubectl fell back to " +
          "localhost:8080): run sync in the cluster (the updater chart's CronJob) or point KUBECONFIG at one",
      );
    }
  });

  it("says when the cluster refuses the credentials", () => {
    expect(plainClusterFailure("error: You must be logged in to the server (Unauthorized)\n")).toBe(
      "the cluster refused the updater's credentials (Unauthorized): its ServiceAccount token may have expired or " +
        "been revoked",
    );
  });

  it("leaves every other failure to be reported as it is", () => {
    expect(
      plainClusterFailure(
        'Error from server (Forbidden): configmaps "x" is forbidden: User "u" cannot get resource "configmaps"\n',
      ),
    ).toBeUndefined();
    expect(plainClusterFailure("")).toBeUndefined();
  });
});
