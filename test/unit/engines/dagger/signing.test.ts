import type { Client, Secret as DaggerSecret } from "@dagger.io/dagger";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../../src/errors.js";
import { givenSigningKeys, signingSecrets } from "../../../../src/engines/dagger/signing.js";

/** A Dagger secret as the module is handed one: a reference whose plaintext the engine holds. */
const secret = (name: string, plaintext = `${name}-value`) =>
  ({ name, plaintext: async () => plaintext }) as unknown as DaggerSecret;
/** The client's one call here: an empty secret for a password not given. */
const dag = { setSecret: (name: string, value: string) => secret(name, value) } as unknown as Client;

// The module's signing arguments, read as the CLI reads its flags (src/cli/signing-options.ts).
describe("the module's signing keys", () => {
  it("are none without a key; a cosign key without its password gets the empty one", () => {
    expect(givenSigningKeys(dag, { gpgKey: "" })).toBeUndefined();
    const key = secret("key");
    const keys = givenSigningKeys(dag, { signingKey: key, gpgKey: "" });
    expect(keys?.gpg).toBeUndefined();
    expect(keys?.cosign?.key).toBe(key);
    expect((keys?.cosign?.password as unknown as { name: string }).name).toBe("charthouse-empty-signing-password");
  });

  it("helm provenance: a keyring and the key's name, both or neither; the passphrase empty unless given", async () => {
    const keyring = secret("keyring");
    const keys = givenSigningKeys(dag, { gpgKeyring: keyring, gpgKey: "Hyrax release signing" });
    expect(keys?.cosign).toBeUndefined();
    expect(keys?.gpg).toMatchObject({ keyring, name: "Hyrax release signing" });
    expect(await keys?.gpg?.passphrase.plaintext()).toBe("");
    const passphrase = secret("passphrase");
    expect(
      givenSigningKeys(dag, { gpgKeyring: keyring, gpgKey: "k", gpgPassphrase: passphrase })?.gpg?.passphrase,
    ).toBe(passphrase);
    expect(() => givenSigningKeys(dag, { gpgKeyring: keyring, gpgKey: "" })).toThrow(ConfigError);
    expect(() => givenSigningKeys(dag, { gpgKeyring: keyring, gpgKey: "" })).toThrow(
      "helm provenance needs both --gpg-keyring and --gpg-key; --gpg-key is missing",
    );
    expect(() => givenSigningKeys(dag, { gpgKey: "k" })).toThrow(/--gpg-keyring is missing/);
  });

  it("redact the cosign key, its password and the GnuPG passphrase (the keyring is only ever mounted)", async () => {
    const keys = givenSigningKeys(dag, {
      signingKey: secret("key", "PEM"),
      signingPassword: secret("password", "pw"),
      gpgKeyring: secret("keyring", "KEYRING"),
      gpgKey: "k",
      gpgPassphrase: secret("passphrase", "phrase"),
    });
    expect((await signingSecrets(keys)).map((s) => s.reveal())).toEqual(["PEM", "pw", "phrase"]);
    expect(await signingSecrets(undefined)).toEqual([]);
  });
});
