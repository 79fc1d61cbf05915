/**
 * The exact argument lists charthouse runs cosign (v2) with, signing and verifying, in the
 * Docker runner, the Dagger module, the updater and the tests. Key-pair mode with no
 * transparency log: nothing leaves for Rekor or Fulcio, and verifiers are told so
 * (`--insecure-ignore-tlog`). The private key is named, never given: `env://VAR` (cosign
 * reads the PEM from its own environment) or a path to the encrypted key file; its
 * password reaches cosign as COSIGN_PASSWORD in that environment only. Predicates go on
 * stdin (`--predicate -`), never in a file. `plainHttp` only for a loopback registry.
 */
export const cosignArgs = {
  sign: (key: string, reference: string, opts: { plainHttp?: boolean } = {}): string[] => [
    "sign",
    "--key",
    key,
    "--tlog-upload=false",
    "--yes",
    ...http(opts),
    reference,
  ],
  attest: (key: string, reference: string, type: string, opts: { plainHttp?: boolean } = {}): string[] => [
    "attest",
    "--key",
    key,
    "--type",
    type,
    "--predicate",
    "-",
    "--tlog-upload=false",
    "--yes",
    ...http(opts),
    reference,
  ],
  verify: (publicKey: string, reference: string, opts: { plainHttp?: boolean } = {}): string[] => [
    "verify",
    "--key",
    publicKey,
    "--insecure-ignore-tlog=true",
    "--output",
    "json",
    ...http(opts),
    reference,
  ],
  verifyAttestation: (
    publicKey: string,
    reference: string,
    type: string,
    opts: { plainHttp?: boolean } = {},
  ): string[] => [
    "verify-attestation",
    "--key",
    publicKey,
    "--type",
    type,
    "--insecure-ignore-tlog=true",
    ...http(opts),
    reference,
  ],
};

function http(opts: { plainHttp?: boolean }): string[] {
  return opts.plainHttp ? ["--allow-http-registry"] : [];
}
