import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { builtTool } from "./built-tools.js";
import type { LocalRegistry } from "./registry-server.js";

/**
 * Starts a registry that answers the OCI 1.1 referrers API — go-containerregistry's
 * pkg/registry, served by scripts/tools/referrers-registry (built by `.ci/run`) — on a free
 * loopback port it picks itself and names on its first line of output. No authentication;
 * blobs in `dir`/data (removed by stop), manifests in its memory. Distribution 2.8, what
 * startRegistry runs, has no referrers API.
 */
export async function startReferrersRegistry(): Promise<LocalRegistry> {
  const binary = builtTool("referrers-registry", "referrers-registry");
  const dir = mkdtempSync(join(tmpdir(), "charthouse-referrers-registry-"));
  const child = spawn(binary, ["-addr", "127.0.0.1:0", "-blobs", join(dir, "data")], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stderr.on("data", (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const lines = createInterface({ input: child.stdout });
  const host = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("it named no address within 10 s")), 10_000);
    lines.once("line", (line) => {
      clearTimeout(timer);
      const m = /^listening on (127\.0\.0\.1:\d+)$/.exec(line);
      return m ? resolve(m[1]!) : reject(new Error(`unexpected first line ${JSON.stringify(line)}`));
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`it exited (${code})`));
    });
  }).catch((error: Error) => {
    child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`starting the referrers registry failed: ${error.message}\n${log}`);
  });
  lines.close();
  child.stdout.resume();
  return {
    host,
    url: `http://${host}`,
    dir,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
