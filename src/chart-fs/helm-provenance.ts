// helm provenance of a package on disk. One signer for both engines: the Docker runner calls it in its own process,
// the Dagger adapter runs it from the library bundle in its gpg tool image, so both sign the same message the same way.
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { parse } from "yaml";
import { runProcess, signingTool } from "../exec/index.js";
import type { Secret } from "../registry/index.js";
import { StepFailed } from "../release/engine.js";
import { provenanceMessage } from "../signing/index.js";

/** helm provenance's GnuPG key: a secret keyring file (gpg --export-secret-keys), the key's name, its passphrase. */
export interface GpgKey {
  readonly keyring: string;
  readonly name: string;
  readonly passphrase: Secret;
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
  gpg: GpgKey;
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
