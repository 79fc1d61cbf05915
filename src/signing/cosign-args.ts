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
  verify: (publicKey: string, reference: string, opts: VerifyOptions = {}): string[] => [
    "verify",
    "--key",
    publicKey,
    "--insecure-ignore-tlog=true",
    "--output",
    "json",
    ...verifying(opts),
    reference,
  ],
  verifyAttestation: (publicKey: string, reference: string, type: string, opts: VerifyOptions = {}): string[] => [
    "verify-attestation",
    "--key",
    publicKey,
    "--type",
    type,
    "--insecure-ignore-tlog=true",
    ...verifying(opts),
    reference,
  ],
};

/**
 * `trustedRoot`: a Sigstore trusted root file, e.g. one holding KEY_ONLY_TRUSTED_ROOT. Without one, cosign fetches the
 * public-good instance's root over TUF before it verifies, although a key-pair signature with no transparency log
 * needs nothing from it; an air-gapped operator (and every test here) passes the empty root instead.
 */
type VerifyOptions = { plainHttp?: boolean; trustedRoot?: string };

/**
 * A trusted root that trusts no certificate authority, transparency log or timestamp authority: the key given with
 * `--key` is the only trust. Not a secret: it holds nothing.
 */
export const KEY_ONLY_TRUSTED_ROOT = `${JSON.stringify({
  mediaType: "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
})}\n`;

function verifying(opts: VerifyOptions): string[] {
  return [...http(opts), ...(opts.trustedRoot ? ["--trusted-root", opts.trustedRoot] : [])];
}

function http(opts: { plainHttp?: boolean }): string[] {
  return opts.plainHttp ? ["--allow-http-registry"] : [];
}
