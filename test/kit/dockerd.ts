import { spawn } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  copyFileSync,
  chmodSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { waitFor } from "./free-port.js";
import { requireTool } from "./tools.js";
import { execTool } from "./exec-tool.js";

/** The base every local image builds from: nothing can be pulled on a closed machine. */
export const BASE_IMAGE = "localhost/charthouse/busybox:1.35";

export interface DockerEngine {
  /** What DOCKER_HOST should be for the docker CLI. */
  readonly host: string;
  /** Whether this process started it (and stop() ends it). */
  readonly started: boolean;
  stop(): Promise<void>;
}

/** Whether a Docker engine answers at `host`. */
export async function dockerAnswers(host: string): Promise<boolean> {
  try {
    await execTool(requireTool("docker"), ["version", "--format", "{{.Server.Version}}"], {
      env: { ...process.env, DOCKER_HOST: host },
    });
    return true;
  } catch {
    return false;
  }
}

/**
 * A Docker engine to use: $DOCKER_HOST or the system socket when one answers, else a
 * dockerd started with its own data root, exec root, socket and pidfile under `dir`.
 * A dockerd left running there by an earlier run is reused (its layer cache with it).
 */
export async function ensureDockerEngine(opts: { dir?: string; env?: NodeJS.ProcessEnv } = {}): Promise<DockerEngine> {
  const env = opts.env ?? process.env;
  for (const host of [env.DOCKER_HOST, "unix:///var/run/docker.sock"]) {
    if (host && (await dockerAnswers(host))) return { host, started: false, stop: async () => {} };
  }
  const dockerd = requireTool("dockerd");
  const dir = opts.dir ?? join(tmpdir(), `charthouse-dockerd-${process.getuid?.() ?? 0}`);
  mkdirSync(dir, { recursive: true });
  const host = `unix://${join(dir, "docker.sock")}`;
  if (await dockerAnswers(host)) return { host, started: false, stop: async () => {} };

  const pidfile = join(dir, "docker.pid");
  if (existsSync(pidfile)) rmSync(pidfile);
  const child = spawn(
    dockerd,
    [
      "--data-root",
      join(dir, "data"),
      "--exec-root",
      join(dir, "exec"),
      "--host",
      host,
      "--pidfile",
      pidfile,
      "--log-level",
      "warn",
    ],
    { stdio: ["ignore", "ignore", "pipe"], detached: true },
  );
  let log = "";
  child.stderr?.on("data", (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  child.unref();
  try {
    await waitFor(
      "dockerd",
      async () => {
        if (child.exitCode !== null) throw new Error(`dockerd exited ${child.exitCode}: ${log}`);
        return dockerAnswers(host);
      },
      60_000,
      250,
    );
  } catch (error) {
    child.kill("SIGKILL");
    throw new Error(
      `starting dockerd failed (is this machine allowed to run containers?): ${(error as Error).message}`,
    );
  }
  (child.stderr as NodeJS.ReadableStream & { unref?: () => void })?.unref?.();
  return {
    host,
    started: true,
    async stop() {
      let pid = child.pid;
      try {
        pid = Number(readFileSync(pidfile, "utf8"));
      } catch {
        // pidfile gone: use the child's pid
      }
      if (!pid) return;
      try {
        process.kill(pid, "SIGTERM");
      } catch {
        return;
      }
      await waitFor("dockerd to stop", async () => !(await alive(pid!)), 20_000, 200).catch(() =>
        process.kill(pid!, "SIGKILL"),
      );
    },
  };
}

async function alive(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A Node 20 base made locally: busybox plus this machine's node and the libraries it links. */
export const NODE_BASE_IMAGE = "localhost/charthouse/node:20";

/** Imports NODE_BASE_IMAGE unless it is there already: the host's node binary and its shared libraries over busybox. */
export async function ensureNodeBaseImage(dockerHost: string): Promise<void> {
  const node = (await execTool("sh", ["-c", 'readlink -f "$(command -v node)"'])).stdout.trim();
  const libs = (await execTool("ldd", [node])).stdout
    .split("\n")
    .map((line) => line.match(/(\/\S+\.so[^\s]*)/)?.[1])
    .filter((p): p is string => p !== undefined);
  await ensureBaseImage(dockerHost, NODE_BASE_IMAGE, [
    { from: node, to: "usr/bin/node" },
    ...libs.map((lib) => ({ from: lib, to: lib.slice(1) })),
  ]);
}

/**
 * Imports BASE_IMAGE into the engine from Debian's static busybox with every applet
 * linked (and any `extra` host files), unless it is there already. Nothing is pulled.
 */
export async function ensureBaseImage(
  dockerHost: string,
  tag = BASE_IMAGE,
  extra: readonly { from: string; to: string }[] = [],
): Promise<void> {
  const docker = requireTool("docker");
  const env = { ...process.env, DOCKER_HOST: dockerHost };
  const present = await execTool(docker, ["image", "inspect", "--format", "{{.Id}}", tag], { env }).then(
    () => true,
    () => false,
  );
  if (present) return;
  const busybox = requireTool("busybox");
  const root = mkdtempSync(join(tmpdir(), "charthouse-rootfs-"));
  try {
    for (const d of ["bin", "tmp", "etc", "root", "srv"]) mkdirSync(join(root, d));
    copyFileSync(busybox, join(root, "bin", "busybox"));
    chmodSync(join(root, "bin", "busybox"), 0o755);
    const applets = (await execTool(busybox, ["--list"])).stdout.split("\n").filter((a) => a && a !== "busybox");
    for (const applet of applets) symlinkSync("busybox", join(root, "bin", applet));
    mkdirSync(join(root, "usr/bin"), { recursive: true });
    symlinkSync("/bin/env", join(root, "usr/bin/env"));
    for (const file of extra) {
      mkdirSync(dirname(join(root, file.to)), { recursive: true });
      copyFileSync(file.from, join(root, file.to));
      chmodSync(join(root, file.to), 0o755);
    }
    const tar = spawn("tar", ["-C", root, "-c", "."], { stdio: ["ignore", "pipe", "inherit"] });
    const importer = spawn(
      docker,
      ["import", "--change", "ENV PATH=/usr/local/bin:/usr/bin:/bin", "--change", 'CMD ["sh"]', "-", tag],
      { env, stdio: ["pipe", "ignore", "pipe"] },
    );
    tar.stdout.pipe(importer.stdin);
    let err = "";
    importer.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => importer.on("close", resolve));
    if (code !== 0) throw new Error(`docker import of the busybox base failed: ${err}`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
