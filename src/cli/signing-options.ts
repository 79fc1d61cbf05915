import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { ConfigError } from "../errors.js";
import { Secret } from "../registry/index.js";
import type { SigningKeys } from "../engines/docker/index.js";
import type { CliIo } from "./io.js";
import { readStdinOnce } from "./registry-options.js";

export interface SigningOptions {
  signingKey?: string;
  signingKeyStdin?: boolean;
  gpgKeyring?: string;
  gpgKey?: string;
  registryPasswordStdin?: boolean;
}

/** The key is a secret: from a file (encrypted by cosign), stdin or the environment, never a flag's value. */
export function addSigningOptions(command: Command): Command {
  return command
    .option(
      "--signing-key <file>",
      "sign every pushed image and chart with this cosign private key (cosign generate-key-pair); its password from " +
        "$CHARTHOUSE_SIGNING_PASSWORD. Default: the PEM in $CHARTHOUSE_SIGNING_KEY",
    )
    .option("--signing-key-stdin", "read the cosign private key (PEM) from stdin")
    .option(
      "--gpg-keyring <file>",
      "also sign every chart with helm provenance (.prov): a legacy GnuPG secret keyring (gpg --export-secret-keys); " +
        "passphrase from $CHARTHOUSE_GPG_PASSPHRASE",
    )
    .option("--gpg-key <name>", "the key in --gpg-keyring to sign with (its name, email or fingerprint)");
}

const PRIVATE_PEM = /-----BEGIN ENCRYPTED (SIGSTORE|COSIGN) PRIVATE KEY-----/;

/**
 * The keys a publish signs with, or undefined when none was given (nothing is signed).
 * Every problem is a ConfigError naming the source and the fix, before anything runs.
 */
export async function readSigningKeys(opts: SigningOptions, io: CliIo): Promise<SigningKeys | undefined> {
  const env = io.env;
  const sources = [
    opts.signingKey ? "--signing-key" : "",
    opts.signingKeyStdin ? "--signing-key-stdin" : "",
    env.CHARTHOUSE_SIGNING_KEY ? "CHARTHOUSE_SIGNING_KEY" : "",
  ].filter(Boolean);
  if (sources.length > 1)
    throw new ConfigError(
      `the cosign signing key was given ${sources.length} ways (${sources.join(", ")}): give it one way`,
    );
  if (opts.signingKeyStdin && opts.registryPasswordStdin)
    throw new ConfigError(
      "--signing-key-stdin and --registry-password-stdin both read stdin: give one of them by its environment " +
        "variable instead",
    );
  if (Boolean(opts.gpgKeyring) !== Boolean(opts.gpgKey))
    throw new ConfigError(
      `helm provenance needs both --gpg-keyring and --gpg-key; ${opts.gpgKeyring ? "--gpg-key" : "--gpg-keyring"} is ` +
        "missing",
    );

  let cosign: SigningKeys["cosign"];
  if (sources.length === 1) {
    const password = env.CHARTHOUSE_SIGNING_PASSWORD ?? env.COSIGN_PASSWORD;
    if (password === undefined)
      throw new ConfigError(
        `a cosign signing key was given (${sources[0]}) without its password: set CHARTHOUSE_SIGNING_PASSWORD (empty ` +
          "for a key made without one)",
      );
    let key: { pem: Secret } | { file: string };
    if (opts.signingKey) {
      const file = resolve(io.cwd, opts.signingKey);
      if (!existsSync(file))
        throw new ConfigError(
          `--signing-key ${opts.signingKey}: no such file. Make a key pair with \`cosign generate-key-pair\` ` +
            "(docs/signing.md)",
        );
      checkPem(readFileSync(file, "utf8"), `--signing-key ${opts.signingKey}`);
      key = { file };
    } else {
      const pem = opts.signingKeyStdin ? await readStdinOnce(io) : env.CHARTHOUSE_SIGNING_KEY!;
      checkPem(pem, sources[0]!);
      key = { pem: new Secret(pem) };
    }
    cosign = { key, password: new Secret(password) };
  }

  let gpg: SigningKeys["gpg"];
  if (opts.gpgKeyring && opts.gpgKey) {
    const keyring = resolve(io.cwd, opts.gpgKeyring);
    if (!existsSync(keyring))
      throw new ConfigError(
        `--gpg-keyring ${opts.gpgKeyring}: no such file. Export one with \`gpg --export-secret-keys KEY > ` +
          "secring.gpg` (docs/signing.md)",
      );
    const passphrase = env.CHARTHOUSE_GPG_PASSPHRASE;
    if (passphrase === undefined)
      throw new ConfigError(
        "--gpg-keyring was given without its passphrase: set CHARTHOUSE_GPG_PASSPHRASE (empty for a key without one)",
      );
    gpg = { keyring, name: opts.gpgKey, passphrase: new Secret(passphrase) };
  }
  return cosign || gpg ? { ...(cosign ? { cosign } : {}), ...(gpg ? { gpg } : {}) } : undefined;
}

/** The secrets of the keys, for redaction of everything the run prints. */
export function signingSecrets(keys: SigningKeys | undefined): Secret[] {
  return [
    ...(keys?.cosign ? [keys.cosign.password, ...("pem" in keys.cosign.key ? [keys.cosign.key.pem] : [])] : []),
    ...(keys?.gpg ? [keys.gpg.passphrase] : []),
  ];
}

function checkPem(text: string, source: string): void {
  if (PRIVATE_PEM.test(text)) return;
  const what = /-----BEGIN PUBLIC KEY-----/.test(text)
    ? "a public key (cosign.pub); sign with the private one (cosign.key)"
    : "not a cosign private key (no ENCRYPTED SIGSTORE PRIVATE KEY block)";
  throw new ConfigError(`the signing key from ${source} is ${what}`);
}
