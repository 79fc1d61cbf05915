import type { SignatureMode } from "./referrers.js";

/** Where cosign writes: a loopback registry over plain HTTP, and the registry's signature mode (default: tags). */
export interface CosignWriteOptions {
  readonly plainHttp?: boolean;
  readonly mode?: SignatureMode;
}

/** What cosign verifies against: a loopback registry over plain HTTP, and a trusted root file (`--trusted-root`). */
export interface CosignVerifyOptions {
  readonly plainHttp?: boolean;
  /**
   * A sigstore trusted root. cosign verifies sigstore bundles (what referrers hold) only
   * with one, which it otherwise fetches from the public sigstore TUF repository; in
   * key-pair mode one that trusts no authority (KEY_ONLY_TRUSTED_ROOT) is enough, offline.
   */
  readonly trustedRoot?: string;
}

/**
 * The exact argument lists charthouse runs cosign (v2) with, signing and verifying, in the
 * Docker runner, the Dagger module, the updater and the tests. Key-pair mode with no
 * transparency log: nothing leaves for Rekor or Fulcio, and verifiers are told so
 * (`--insecure-ignore-tlog`). The private key is named, never given: `env://VAR` (cosign
 * reads the PEM from its own environment) or a path to the encrypted key file; its
 * password reaches cosign as COSIGN_PASSWORD in that environment only. Predicates go on
 * stdin (`--predicate -`), never in a file. `plainHttp` only for a loopback registry.
 *
 * In `referrers` mode both write sigstore bundles as OCI 1.1 referrers
 * (`--new-bundle-format`): cosign v2.6's only way to attest as a referrer, and signing the
 * same way keeps `cosign verify` honest — once a digest has bundles among its referrers,
 * cosign verify reads only those, so a legacy signature referrer
 * (`--registry-referrers-mode=oci-1-1`) beside them would never be the one it checks.
 */
export const cosignArgs = {
  sign: (key: string, reference: string, opts: CosignWriteOptions = {}): string[] => [
    "sign",
    "--key",
    key,
    "--tlog-upload=false",
    "--yes",
    ...http(opts),
    ...bundles(opts),
    reference,
  ],
  attest: (key: string, reference: string, type: string, opts: CosignWriteOptions = {}): string[] => [
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
    ...bundles(opts),
    reference,
  ],
  verify: (publicKey: string, reference: string, opts: CosignVerifyOptions = {}): string[] => [
    "verify",
    "--key",
    publicKey,
    "--insecure-ignore-tlog=true",
    "--output",
    "json",
    ...http(opts),
    ...root(opts),
    reference,
  ],
  verifyAttestation: (publicKey: string, reference: string, type: string, opts: CosignVerifyOptions = {}): string[] => [
    "verify-attestation",
    "--key",
    publicKey,
    "--type",
    type,
    "--insecure-ignore-tlog=true",
    ...http(opts),
    ...root(opts),
    reference,
  ],
};

/**
 * A sigstore trusted root that trusts no certificate authority, transparency log or timestamp authority: with `--key`,
 * the key is the whole of the trust. cosign wants a root to verify bundles (what referrers hold), and without one it
 * fetches the public-good root over TUF even for a tag-scheme signature that needs nothing from it: an air-gapped
 * operator, the demo and every test here pass this one instead. Write it to a file, pass it as `trustedRoot`. It holds
 * nothing secret.
 */
export const KEY_ONLY_TRUSTED_ROOT = `${JSON.stringify({
  mediaType: "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
})}\n`;

function http(opts: { plainHttp?: boolean }): string[] {
  return opts.plainHttp ? ["--allow-http-registry"] : [];
}

function bundles(opts: CosignWriteOptions): string[] {
  return opts.mode === "referrers" ? ["--new-bundle-format"] : [];
}

function root(opts: CosignVerifyOptions): string[] {
  return opts.trustedRoot ? ["--trusted-root", opts.trustedRoot] : [];
}
