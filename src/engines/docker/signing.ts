import { ConfigError } from "../../errors.js";
import { runProcess, signingTool, type ProcessResult } from "../../exec/index.js";
import type { GpgKey } from "../../chart-fs/helm-provenance.js";
import type { Secret } from "../../registry/index.js";
import { cosignArgs, type SignatureMode } from "../../signing/index.js";
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
  readonly gpg?: GpgKey;
}

/** The environment variable cosign reads the PEM from (`--key env://…`): set for cosign's process only. */
const KEY_VAR = "CHARTHOUSE_COSIGN_PRIVATE_KEY";

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
