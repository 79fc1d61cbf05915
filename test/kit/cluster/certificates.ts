import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { requireTool } from "../tools.js";
import { execTool as run } from "../exec-tool.js";

/** The files a throwaway control plane needs, all under one directory. */
export interface ClusterPki {
  readonly caCert: string;
  readonly caKey: string;
  readonly serverCert: string;
  readonly serverKey: string;
  /** A client certificate in system:masters, for the tests' kubectl and helm and for the controllers. */
  readonly adminCert: string;
  readonly adminKey: string;
  /** The key pair service-account tokens are signed and checked with. */
  readonly serviceAccountKey: string;
  readonly serviceAccountPub: string;
  /** Issues a client certificate for `subject` (`/O=system:nodes/CN=system:node:n1`), its files named after `name`. */
  clientCertificate(name: string, subject: string): Promise<{ cert: string; key: string }>;
}

/**
 * A CA, the API server's serving certificate (for 127.0.0.1, the in-cluster names and 10.0.2.2,
 * the host's loopback as a real node's namespace reaches it through slirp4netns),
 * an admin client certificate and the service-account signing key, made by openssl:
 * P-256 keys, valid for a day (a suite lives minutes).
 */
export async function makeClusterPki(dir: string): Promise<ClusterPki> {
  const openssl = requireTool("openssl");
  const f = (name: string) => join(dir, name);
  const key = (name: string) =>
    run(openssl, ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", f(name)]);
  await Promise.all([key("ca.key"), key("apiserver.key"), key("admin.key"), key("sa.key")]);
  await run(openssl, [
    "req",
    "-x509",
    "-new",
    "-key",
    f("ca.key"),
    "-out",
    f("ca.crt"),
    "-days",
    "1",
    "-subj",
    "/CN=charthouse-test-ca",
  ]);
  const sign = async (name: string, subject: string, extensions: string) => {
    writeFileSync(f(`${name}.ext`), extensions);
    await run(openssl, ["req", "-new", "-key", f(`${name}.key`), "-out", f(`${name}.csr`), "-subj", subject]);
    await run(openssl, [
      "x509",
      "-req",
      "-in",
      f(`${name}.csr`),
      "-CA",
      f("ca.crt"),
      "-CAkey",
      f("ca.key"),
      "-CAcreateserial",
      "-out",
      f(`${name}.crt`),
      "-days",
      "1",
      "-extfile",
      f(`${name}.ext`),
    ]);
  };
  await sign(
    "apiserver",
    "/CN=kube-apiserver",
    "subjectAltName=IP:127.0.0.1,IP:10.96.0.1,IP:10.0.2.2,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default," +
      "DNS:kubernetes.default.svc\nextendedKeyUsage=serverAuth\n",
  );
  await sign("admin", "/O=system:masters/CN=charthouse-admin", "extendedKeyUsage=clientAuth\n");
  await run(openssl, ["pkey", "-in", f("sa.key"), "-pubout", "-out", f("sa.pub")]);
  return {
    caCert: f("ca.crt"),
    caKey: f("ca.key"),
    serverCert: f("apiserver.crt"),
    serverKey: f("apiserver.key"),
    adminCert: f("admin.crt"),
    adminKey: f("admin.key"),
    serviceAccountKey: f("sa.key"),
    serviceAccountPub: f("sa.pub"),
    async clientCertificate(name, subject) {
      await key(`${name}.key`);
      await sign(name, subject, "extendedKeyUsage=clientAuth\n");
      return { cert: f(`${name}.crt`), key: f(`${name}.key`) };
    },
  };
}
