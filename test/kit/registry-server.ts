import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { freePort, waitFor } from "./free-port.js";
import { requireTool } from "./tools.js";
import { execTool } from "./exec-tool.js";

export type RegistryAuth =
  | { readonly kind: "none" }
  /** Basic auth: these users, passwords hashed with bcrypt into an htpasswd file. */
  | { readonly kind: "htpasswd"; readonly users: Readonly<Record<string, string>> }
  /** Bearer tokens from `realm`, signed by the key of the certificate in `rootCertBundle`. */
  | {
      readonly kind: "token";
      readonly realm: string;
      readonly service: string;
      readonly issuer: string;
      readonly rootCertBundle: string;
    };

export interface LocalRegistry {
  /** `127.0.0.1:PORT`, the host part of every reference. */
  readonly host: string;
  readonly url: string;
  readonly dir: string;
  stop(): Promise<void>;
}

/**
 * Starts CNCF distribution (Debian's docker-registry) on a free loopback port with its
 * own config and storage in a temp dir. Stop removes both.
 */
export async function startRegistry(
  auth: RegistryAuth = { kind: "none" },
  opts: { dir?: string } = {},
): Promise<LocalRegistry> {
  const binary = requireTool("docker-registry");
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), "charthouse-registry-"));
  mkdirSync(join(dir, "data"), { recursive: true });
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const config: Record<string, unknown> = {
    version: 0.1,
    log: { level: "error", accesslog: { disabled: true } },
    storage: {
      filesystem: { rootdirectory: join(dir, "data") },
      delete: { enabled: true },
      cache: { blobdescriptor: "inmemory" },
    },
    http: { addr: host, secret: "charthouse-local-registry" },
  };
  if (auth.kind === "htpasswd") {
    requireTool("htpasswd");
    let lines = "";
    for (const [user, password] of Object.entries(auth.users)) {
      // -i reads the password from stdin: it never appears in a process list.
      lines += (await execTool("htpasswd", ["-niB", user], { input: `${password}\n` })).stdout.trim() + "\n";
    }
    writeFileSync(join(dir, "htpasswd"), lines, { mode: 0o600 });
    config.auth = { htpasswd: { realm: "charthouse", path: join(dir, "htpasswd") } };
  } else if (auth.kind === "token") {
    config.auth = {
      token: { realm: auth.realm, service: auth.service, issuer: auth.issuer, rootcertbundle: auth.rootCertBundle },
    };
  }
  writeFileSync(join(dir, "config.yml"), stringify(config));

  const child: ChildProcess = spawn(binary, ["serve", join(dir, "config.yml")], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let log = "";
  child.stderr?.on("data", (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    await waitFor(`registry on ${host}`, async () => {
      if (child.exitCode !== null) throw new Error(`docker-registry exited: ${log}`);
      const response = await fetch(`http://${host}/v2/`);
      await response.arrayBuffer();
      return response.status === 200 || response.status === 401;
    });
  } catch (error) {
    child.kill("SIGKILL");
    throw new Error(`starting the local registry failed: ${(error as Error).message}\n${log}`);
  }
  return {
    host,
    url: `http://${host}`,
    dir,
    async stop() {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
        if (child.exitCode === null) child.kill("SIGKILL");
      }
      if (!opts.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
