import { createHash } from "node:crypto";
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, delimiter, join } from "node:path";
import { parse } from "yaml";
import { ConfigError } from "../../errors.js";
import { runProcess, type ProcessResult } from "../../exec/index.js";
import type { Secret } from "../../registry/index.js";
import { cosignArgs, provenanceMessage, type SignatureMode } from "../../signing/index.js";
import { StepFailed } from "../../release/engine.js";

/**
 * The keys a run signs with, as given at the edge (flags, environment, stdin). Each secret
 * reaches only the process that needs it, in its environment or on its stdin: never an
 * argument, a log line, a cache key or a file in clear.
 */
export interface SigningKeys {
  /**
   * cosign's private key: its PEM (from the environment or stdin) or the path of its encrypted key file; and its
   * password.
   */
  readonly cosign?: { readonly key: { readonly pem: Secret } | { readonly file: string }; readonly password: Secret };
  /**
   * helm provenance: a legacy GnuPG secret keyring (`gpg --export-secret-keys`), the key's name in it, its passphrase.
   */
  readonly gpg?: { readonly keyring: string; readonly name: string; readonly passphrase: Secret };
}

/** The environment variable cosign reads the PEM from (`--key env://…`): set for cosign's process only. */
const KEY_VAR = "CHARTHOUSE_COSIGN_PRIVATE_KEY";

/** A tool the signing needs: $CHARTHOUSE_<TOOL>, else on PATH; else a ConfigError saying how to get it. */
export function signingTool(tool: "cosign" | "syft" | "gpg", env: NodeJS.ProcessEnv): string {
  const set = env[`CHARTHOUSE_${tool.toUpperCase()}`];
  if (set) return set;
  for (const dir of (env.PATH ?? "").split(delimiter).filter(Boolean)) {
    try {
      accessSync(join(dir, tool), constants.X_OK);
      return join(dir, tool);
    } catch {
      // not here
    }
  }
  const how =
    tool === "gpg"
      ? "apt-get install gnupg"
      : `put ${tool} on PATH or set CHARTHOUSE_${tool.toUpperCase()} (node scripts/tools/build-tools.mjs ${tool} ` +
        "builds it)";
  throw new ConfigError(`signing needs ${tool}, which is not installed: ${how}. Nothing was built or pushed.`);
}

/** cosign and syft on what a run pushed, with the run's key: the Docker adapter's sign, attest and sbom. */
export function cosignSigner(o: {
  keys: SigningKeys;
  env: NodeJS.ProcessEnv;
  plainHttp: boolean;
  signal?: AbortSignal;
}) {
  const cosign = o.keys.cosign;
  const keyEnv = (): NodeJS.ProcessEnv => {
    if (!cosign) throw new StepFailed("no cosign key was given: pass --signing-key or set CHARTHOUSE_SIGNING_KEY");
    return {
      ...o.env,
      COSIGN_PASSWORD: cosign.password.reveal(),
      ...("pem" in cosign.key ? { [KEY_VAR]: cosign.key.pem.reveal() } : {}),
    };
  };
  const keyRef = () => (cosign && "file" in cosign.key ? cosign.key.file : `env://${KEY_VAR}`);
  const exec = async (
    bin: string,
    args: string[],
    what: string,
    opts: { env?: NodeJS.ProcessEnv; input?: string } = {},
  ): Promise<ProcessResult> => {
    const done = await runProcess(bin, args, { env: opts.env ?? o.env, input: opts.input, signal: o.signal });
    if (o.signal?.aborted) throw StepFailed.cancelled();
    if (done.code !== 0) throw new StepFailed(`${what} failed (exit ${done.code ?? done.signal})`, done.output);
    return done;
  };
  return {
    /**
     * Before anything is built: the tools are there and the key opens with its password (a wrong one fails here, not
     * after the pushes).
     */
    async preflight(attestSboms: boolean): Promise<void> {
      const bin = signingTool("cosign", o.env);
      if (attestSboms) signingTool("syft", o.env);
      const done = await runProcess(bin, ["public-key", "--key", keyRef()], { env: keyEnv(), signal: o.signal });
      if (done.code !== 0) {
        const why =
          done.output
            .split("\n")
            .find((l) => /error/i.test(l))
            ?.trim() ?? `exit ${done.code}`;
        throw new ConfigError(
          `the cosign signing key does not open with its password (${why}): check CHARTHOUSE_SIGNING_PASSWORD. ` +
            "Nothing was built or pushed.",
        );
      }
    },
    async sign(subject: string, mode: SignatureMode): Promise<void> {
      await exec(
        signingTool("cosign", o.env),
        cosignArgs.sign(keyRef(), subject, { plainHttp: o.plainHttp, mode }),
        `cosign sign of ${subject}`,
        { env: keyEnv() },
      );
    },
    async attest(subject: string, type: string, predicate: string, mode: SignatureMode): Promise<void> {
      await exec(
        signingTool("cosign", o.env),
        cosignArgs.attest(keyRef(), subject, type, { plainHttp: o.plainHttp, mode }),
        `cosign attest (${type}) of ${subject}`,
        { env: keyEnv(), input: predicate },
      );
    },
    async sbom(subject: string): Promise<string> {
      const env = {
        ...o.env,
        SYFT_CHECK_FOR_APP_UPDATE: "false",
        ...(o.plainHttp ? { SYFT_REGISTRY_INSECURE_USE_HTTP: "true" } : {}),
      };
      return (
        await exec(
          signingTool("syft", o.env),
          ["scan", `registry:${subject}`, "--output", "spdx-json", "--quiet"],
          `syft SBOM of ${subject}`,
          { env },
        )
      ).stdout;
    },
  };
}

/**
 * Writes `<package>.prov` beside a packaged chart: the provenance message of the package
 * as it ships, clear-signed by gpg with the given key. The keyring is imported into a
 * GnuPG home of its own under `workDir` (the secret key stays encrypted under its
 * passphrase there) and removed with its agent; the passphrase goes on gpg's stdin.
 */
export async function writeHelmProvenance(o: {
  packageFile: string;
  chartDir: string;
  gpg: NonNullable<SigningKeys["gpg"]>;
  env: NodeJS.ProcessEnv;
  workDir: string;
}): Promise<string> {
  const gpgBin = signingTool("gpg", o.env);
  const meta = parse(readFileSync(join(o.chartDir, "Chart.yaml"), "utf8")) as {
    apiVersion?: string;
    name: string;
    version: string;
    appVersion?: unknown;
  };
  const sum = createHash("sha256").update(readFileSync(o.packageFile)).digest("hex");
  const message = provenanceMessage(
    {
      apiVersion: meta.apiVersion ?? "v2",
      name: meta.name,
      version: String(meta.version),
      appVersion: meta.appVersion === undefined ? undefined : String(meta.appVersion),
    },
    basename(o.packageFile),
    sum,
  );
  const home = mkdtempSync(join(o.workDir, "gnupg-"));
  const env = { ...o.env, GNUPGHOME: home };
  const gpg = async (args: string[], what: string, input?: string) => {
    const done = await runProcess(gpgBin, ["--batch", "--homedir", home, ...args], { env, input });
    if (done.code !== 0) throw new StepFailed(`${what} failed (exit ${done.code ?? done.signal})`, done.output);
  };
  try {
    await gpg(["--import", o.gpg.keyring], `importing the GnuPG keyring ${o.gpg.keyring}`);
    const body = join(home, "message");
    writeFileSync(body, message);
    const prov = `${o.packageFile}.prov`;
    await gpg(
      [
        "--pinentry-mode",
        "loopback",
        "--passphrase-fd",
        "0",
        "--local-user",
        o.gpg.name,
        "--digest-algo",
        "SHA512",
        "--clearsign",
        "--output",
        prov,
        body,
      ],
      `signing the provenance of ${basename(o.packageFile)} with the GnuPG key ${o.gpg.name}`,
      `${o.gpg.passphrase.reveal()}\n`,
    );
    return prov;
  } finally {
    await runProcess("gpgconf", ["--homedir", home, "--kill", "gpg-agent"], { env }).catch(() => undefined);
    rmSync(home, { recursive: true, force: true });
  }
}
