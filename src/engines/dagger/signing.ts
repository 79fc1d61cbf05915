// Signing on Dagger: cosign and syft in their pinned images, helm provenance by the library's own signer in the gpg
// image. Every key and password reaches its tool as a Secret (a secret variable or a mounted secret file): never an
// argument, a query's text, a layer or a cache key.
import type { Client, Container, Secret as DaggerSecret } from "@dagger.io/dagger";
import { ConfigError } from "../../errors.js";
import { Secret } from "../../registry/secret.js";
import { StepFailed } from "../../release/engine.js";
import { cosignArgs, type SignatureMode } from "../../signing/index.js";
import { speaksPlainHttp } from "../../registry/reference.js";
import { cosignScript, provenanceScript, registryHostOf, syftEnvironment } from "./dagger-args.js";
import { TOOL_IMAGES } from "./tools.js";

/** Registry credentials as the module holds them: the password only ever as a Secret. */
export type ModuleCredentials = { readonly username: string; readonly password: DaggerSecret };

/** The keys a publish signs with, as the module holds them (the CLI's SigningKeys, each secret a Dagger Secret). */
export interface ModuleSigningKeys {
  /** cosign generate-key-pair's private key and its password. */
  readonly cosign?: { readonly key: DaggerSecret; readonly password: DaggerSecret };
  /** helm provenance: a GnuPG secret keyring (`gpg --export-secret-keys`), the key's name in it, its passphrase. */
  readonly gpg?: { readonly keyring: DaggerSecret; readonly name: string; readonly passphrase: DaggerSecret };
}

/** The module's signing arguments as keys, or undefined when none was given; a missing password is the empty one. */
export function givenSigningKeys(
  dag: Client,
  given: {
    signingKey?: DaggerSecret;
    signingPassword?: DaggerSecret;
    gpgKeyring?: DaggerSecret;
    gpgKey: string;
    gpgPassphrase?: DaggerSecret;
  },
): ModuleSigningKeys | undefined {
  if (Boolean(given.gpgKeyring) !== Boolean(given.gpgKey))
    throw new ConfigError(
      `helm provenance needs both --gpg-keyring and --gpg-key; ${given.gpgKey ? "--gpg-keyring" : "--gpg-key"} ` +
        "is missing",
    );
  const empty = (name: string) => dag.setSecret(`charthouse-empty-${name}`, "");
  const cosign = given.signingKey && {
    key: given.signingKey,
    password: given.signingPassword ?? empty("signing-password"),
  };
  const gpg = given.gpgKeyring && {
    keyring: given.gpgKeyring,
    name: given.gpgKey,
    passphrase: given.gpgPassphrase ?? empty("gpg-passphrase"),
  };
  return cosign || gpg ? { ...(cosign ? { cosign } : {}), ...(gpg ? { gpg } : {}) } : undefined;
}

/** The secrets of the keys that could show in a tool's output, read to redact them from the run's text. */
export async function signingSecrets(keys: ModuleSigningKeys | undefined): Promise<Secret[]> {
  const secrets = [keys?.cosign?.key, keys?.cosign?.password, keys?.gpg?.passphrase].filter((s) => s !== undefined);
  return Promise.all(secrets.map(async (s) => new Secret(await s.plaintext())));
}

/** The variable cosign reads the private key's PEM from (`--key env://…`). */
const COSIGN_KEY_VARIABLE = "COSIGN_PRIVATE_KEY";
/** Where the gpg image holds the keyring (a mounted secret file), the passphrase (a secret variable), GnuPG's home. */
const GPG = {
  keyring: "/run/secrets/charthouse-gpg-keyring",
  variable: "CHARTHOUSE_GPG_PASSPHRASE",
  work: "/run/gnupg",
};

/** cosign and syft on what a run pushed, with the run's key and credentials: the adapter's sign, attest and sbom. */
export function daggerSigner(o: {
  dag: Client;
  keys?: ModuleSigningKeys;
  credentials?: ModuleCredentials;
  plainHttpHosts?: readonly string[];
  synced: (c: Container) => Promise<Container>;
}) {
  /** cosign with the key and its password as secret variables, logged in to the registry on a tmpfs, running `args`. */
  const cosign = async (subject: string, args: string[], stdin?: string): Promise<void> => {
    if (!o.keys?.cosign)
      throw new StepFailed(`signing ${subject} needs a key: pass --signing-key and --signing-password`);
    let container = o.dag
      .container()
      .from(TOOL_IMAGES.cosign)
      .withEntrypoint([])
      .withMountedTemp("/run/charthouse")
      .withEnvVariable("DOCKER_CONFIG", "/run/charthouse/docker")
      .withSecretVariable(COSIGN_KEY_VARIABLE, o.keys.cosign.key)
      .withSecretVariable("COSIGN_PASSWORD", o.keys.cosign.password);
    if (o.credentials) container = container.withSecretVariable("CHARTHOUSE_REGISTRY_PASSWORD", o.credentials.password);
    const script = cosignScript(subject, args, o.credentials?.username);
    await o.synced(container.withExec(["sh", "-c", script], stdin === undefined ? {} : { stdin }));
  };
  const keyRef = `env://${COSIGN_KEY_VARIABLE}`;
  // Where the signature goes (referrers or tags) is the library's decision per registry, as on the Docker runner.
  const where = (subject: string, mode: SignatureMode) => ({
    plainHttp: speaksPlainHttp(registryHostOf(subject), o.plainHttpHosts),
    mode,
  });
  return {
    sign: (subject: string, mode: SignatureMode) =>
      cosign(subject, cosignArgs.sign(keyRef, subject, where(subject, mode))),
    attest: (subject: string, type: string, predicate: string, mode: SignatureMode) =>
      cosign(subject, cosignArgs.attest(keyRef, subject, type, where(subject, mode)), predicate),
    async sbom(subject: string): Promise<string> {
      // syft reads the registry password from its environment, as a secret variable.
      const env = syftEnvironment(subject, o.credentials?.username, o.plainHttpHosts);
      let syft = Object.entries(env).reduce(
        (c, [key, value]) => c.withEnvVariable(key, value),
        o.dag.container().from(TOOL_IMAGES.syft),
      );
      if (o.credentials) syft = syft.withSecretVariable("SYFT_REGISTRY_AUTH_PASSWORD", o.credentials.password);
      const scan = ["scan", `registry:${subject}`, "--output", "spdx-json", "--quiet"];
      return (await o.synced(syft.withExec(scan, { useEntrypoint: true }))).stdout();
    },
  };
}

/**
 * The gpg image set up for the library's helm provenance signer, and its script for `packageFile` of the chart at
 * `chartDir`: the keyring a mounted secret file, the passphrase a secret variable, GnuPG's home on a tmpfs.
 */
export function provenanceTool(gpg: NonNullable<ModuleSigningKeys["gpg"]>, packageFile: string, chartDir: string) {
  return {
    image: TOOL_IMAGES.gpg,
    setup: (c: Container) =>
      c
        .withMountedTemp(GPG.work)
        .withMountedSecret(GPG.keyring, gpg.keyring)
        .withSecretVariable(GPG.variable, gpg.passphrase),
    script: provenanceScript({
      packageFile,
      chartDir,
      keyring: GPG.keyring,
      name: gpg.name,
      passphraseVariable: GPG.variable,
      workDir: GPG.work,
    }),
  };
}
