import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { runProcess } from "../../src/exec/index.js";

// What the signing suites need on this machine: cosign and syft built by scripts/tools from
// the Go module proxy (`.ci/run` builds them, cached by version), Debian's gnupg and skopeo.
// The tests only look them up and say which command provides what is missing.

const SETUP = (tool: string) => `run \`bash .ci/run\` (or \`node scripts/tools/build-tools.mjs ${tool}\`)`;

/** A Go tool built by scripts/tools at the version it pins: its binary, or an error naming the command that builds it. */
export function builtTool(tool: "cosign" | "syft"): string {
  // From test/kit in a checkout, or dist/test/kit once compiled (the demo).
  const file = ["../../scripts/tools/versions.json", "../../../scripts/tools/versions.json"]
    .map((p) => new URL(p, import.meta.url))
    .find((u) => existsSync(u));
  if (!file) throw new Error("scripts/tools/versions.json is missing: cosign and syft cannot be found");
  const versions = JSON.parse(readFileSync(file, "utf8")) as Record<string, { version: string }>;
  const binary = join(
    process.env.XDG_CACHE_HOME || join(homedir(), ".cache"),
    "charthouse",
    "tools",
    `${tool}-${versions[tool]!.version}`,
    tool,
  );
  if (!existsSync(binary))
    throw new Error(`${tool} ${versions[tool]!.version} is not built (${binary}): ${SETUP(tool)}`);
  return binary;
}

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

/** A cosign key pair made in `dir` with `password`, as a maintainer makes one: cosign.key (encrypted) and cosign.pub. */
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
  const spec = `Key-Type: RSA\nKey-Length: 2048\nName-Real: ${name}\nName-Email: signing@charthouse.invalid\nPassphrase: ${passphrase}\nExpire-Date: 0\n%commit\n`;
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
