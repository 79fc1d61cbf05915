import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runProcess } from "../../src/exec/index.js";
import { KEY_ONLY_TRUSTED_ROOT } from "../../src/signing/index.js";
import { builtTool as builtToolBinary } from "./built-tools.js";
export { debianSkopeo } from "./built-tools.js";

// What the signing suites need on this machine: cosign and syft built by scripts/tools from
// the Go module proxy (`.ci/run` builds them, cached by version), Debian's gnupg and skopeo.
// The tests only look them up and say which command provides what is missing.

/** A Go tool built by scripts/tools at the version it pins (cosign's and syft's binaries share their tool's name). */
export const builtTool = (tool: "cosign" | "syft"): string => builtToolBinary(tool, tool);

/** Runs a command, rejecting with its output when it fails. */
export async function must(
  bin: string,
  args: readonly string[],
  opts: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string } = {},
): Promise<string> {
  const done = await runProcess(bin, args, { env: opts.env ?? process.env, input: opts.input, cwd: opts.cwd });
  if (done.code !== 0) throw new Error(`${bin} ${args.join(" ")} exited ${done.code}:\n${done.output}`);
  return done.output;
}

/**
 * A cosign key pair made in `dir` with `password`, as a maintainer makes one: cosign.key (encrypted) and cosign.pub.
 */
export async function cosignKeyPair(
  dir: string,
  password: string,
): Promise<{ privateKey: string; publicKey: string; pem: string }> {
  mkdirSync(dir, { recursive: true });
  await must(builtTool("cosign"), ["generate-key-pair"], {
    cwd: dir,
    env: { ...process.env, COSIGN_PASSWORD: password },
  });
  return {
    privateKey: join(dir, "cosign.key"),
    publicKey: join(dir, "cosign.pub"),
    pem: readFileSync(join(dir, "cosign.key"), "utf8"),
  };
}

/**
 * A GnuPG key for helm provenance, made in its own home under `dir` with `passphrase`,
 * exported the way helm wants it: a legacy secret keyring (secring.gpg) to sign with and
 * a public keyring (pubring.gpg) to verify with.
 */
export async function gpgKeyring(
  dir: string,
  name: string,
  passphrase: string,
): Promise<{ secring: string; pubring: string }> {
  const home = join(dir, "gnupg");
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const env = { ...process.env, GNUPGHOME: home };
  const spec =
    `Key-Type: RSA\nKey-Length: 2048\nName-Real: ${name}\nName-Email: signing@charthouse.invalid\n` +
    `Passphrase: ${passphrase}\nExpire-Date: 0\n%commit\n`;
  await must("gpg", ["--batch", "--gen-key"], { env, input: spec });
  const secring = join(dir, "secring.gpg");
  const pubring = join(dir, "pubring.gpg");
  await must(
    "gpg",
    [
      "--batch",
      "--pinentry-mode",
      "loopback",
      "--passphrase-fd",
      "0",
      "--output",
      secring,
      "--export-secret-keys",
      name,
    ],
    { env, input: `${passphrase}\n` },
  );
  await must("gpg", ["--batch", "--output", pubring, "--export", name], { env });
  await runProcess("gpgconf", ["--kill", "gpg-agent"], { env });
  return { secring, pubring };
}

/**
 * A containers-policy.json trusting only cosign signatures of `scope` (a registry
 * namespace) by `publicKey`, and a registries.d telling skopeo where cosign puts them
 * (the `.sig` tags): what an operator sets up to pull only what the pipeline signed.
 */
export function sigstorePolicy(dir: string, scope: string, publicKey: string): { policy: string; registriesD: string } {
  const policy = join(dir, "policy.json");
  const registriesD = join(dir, "registries.d");
  mkdirSync(registriesD, { recursive: true });
  writeFileSync(
    policy,
    JSON.stringify({
      default: [{ type: "reject" }],
      transports: {
        docker: {
          [scope]: [{ type: "sigstoreSigned", keyPath: publicKey, signedIdentity: { type: "matchRepository" } }],
        },
        oci: { "": [{ type: "insecureAcceptAnything" }] },
      },
    }),
  );
  writeFileSync(
    join(registriesD, "charthouse.yaml"),
    `docker:\n  ${scope.split("/")[0]}:\n    use-sigstore-attachments: true\n`,
  );
  return { policy, registriesD };
}

/** The key-only trusted root in `dir`, so cosign's verify trusts the key alone and asks no TUF mirror for anything. */
export function keyOnlyTrustedRoot(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, "trusted-root.json");
  writeFileSync(path, KEY_ONLY_TRUSTED_ROOT);
  return path;
}

/** A run of the private key's PEM body long enough to be found wherever the key leaked: a canary's needle. */
export function pemFragment(pem: string): string {
  return pem
    .split("\n")
    .filter((l) => l && !l.startsWith("-----"))
    .join("")
    .slice(0, 40);
}
