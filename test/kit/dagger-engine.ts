import { spawn, type ChildProcess } from "node:child_process";
import { createServer, request as httpRequest } from "node:http";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { homedir, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { builtTool, daggerRootfsDir, toolVersion } from "./built-tools.js";
import { execTool } from "./exec-tool.js";
import { waitFor } from "./free-port.js";

/** The version the project pins (scripts/tools/versions.json), and what `dagger version` reports. */
export const DAGGER_VERSION = toolVersion("dagger");

// test/kit here, dist/test/kit when compiled (the demo): the recipe is in the source tree either way.
const DAGGER_SCRIPTS = [
  new URL("../../scripts/tools/dagger/", import.meta.url),
  new URL("../../../scripts/tools/dagger/", import.meta.url),
].find((u) => existsSync(u))!;

const toolsCache = (env: NodeJS.ProcessEnv): string =>
  join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "charthouse", "tools");

/** The cached rootfs the engine runs in, or an error naming the command that builds it. */
export function daggerRootfs(env: NodeJS.ProcessEnv = process.env): string {
  const dir = daggerRootfsDir(env);
  if (!existsSync(join(dir, "usr/local/bin/dagger-engine")))
    throw new Error(
      `the Dagger engine's rootfs is not built: run \`node scripts/tools/dagger/build-rootfs.mjs\` ` +
        `(bash .ci/run builds every tool)`,
    );
  return dir;
}

/** The `dagger` CLI built with the engine, or an error naming the command that builds it. */
export const daggerCli = (env: NodeJS.ProcessEnv = process.env): string => builtTool("dagger", "dagger", env);

/**
 * Why the real-engine suites cannot run here, or undefined when they can: the CLI, the rootfs, root,
 * `unshare` and `slirp4netns`. Suites skip with this message (it names the command to run).
 */
export function daggerEngineMissing(env: NodeJS.ProcessEnv = process.env): string | undefined {
  try {
    daggerCli(env);
    daggerRootfs(env);
  } catch (error) {
    return (error as Error).message;
  }
  if (process.getuid?.() !== 0) return "the Dagger engine needs root (mount, net and pid namespaces)";
  for (const tool of ["unshare", "slirp4netns"])
    if (!onPath(tool, env)) return `${tool} is missing: run \`bash .ci/run\` (it installs it with apt)`;
  return undefined;
}

/**
 * The builtin SDK content (scripts/tools/dagger-sdk): a folder <tools>/dagger-sdk-<version>/ holding `content`
 * (the OCI content store the engine reads at /usr/local/share/dagger/content) and `engine.env` (KEY=VALUE lines
 * for the engine's environment), optionally `engine.json` (its `registries` are merged into the engine's).
 * The newest such folder, or undefined when none is built.
 */
export function daggerSdkContent(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const cache = toolsCache(env);
  if (!existsSync(cache)) return undefined;
  const built = readdirSync(cache)
    .filter((name) => name.startsWith("dagger-sdk-") && !/\.(partial|work)$/.test(name))
    .map((name) => join(cache, name))
    .filter((dir) => existsSync(join(dir, "content", "index.json")) && existsSync(join(dir, "engine.env")))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  return built[0];
}

export interface DaggerEngine {
  /** `unix://…/engine.sock`: what `_EXPERIMENTAL_DAGGER_RUNNER_HOST` names. */
  readonly runnerHost: string;
  /** The `dagger` CLI to call. */
  readonly cli: string;
  /** The engine's namespace: its pid 1 as the host sees it. */
  readonly pid: number;
  /** Every process the kit started: the namespace's pid 1, unshare and slirp4netns. */
  readonly pids: readonly number[];
  /** The builtin SDK content folder it was started with, if any. */
  readonly sdk: string | undefined;
  /** The engine's log file (its stdout and stderr), on the host. */
  readonly logFile: string;
  /** The environment a `dagger` CLI call needs: `base` plus the runner host and no telemetry or nags. */
  env(base?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  /** The last part of the engine's log. */
  log(): string;
  /** Ends the engine, its namespace and slirp4netns by pid; removes its state. */
  stop(): Promise<void>;
}

export interface DaggerEngineOptions {
  /** Where the engine's state goes (overlay upper layer, /var/lib/dagger, /run); default a fresh temp folder. */
  readonly stateDir?: string;
  /** The builtin SDK content folder; default the newest built one (daggerSdkContent), `null` for none. */
  readonly sdk?: string | null;
  /** Extra `registries` entries for engine.json (e.g. a docker.io mirror at 127.0.0.1:PORT). */
  readonly registries?: Readonly<Record<string, unknown>>;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Starts the real Dagger engine in its own mount, net and pid namespaces (`unshare`), its root the cached
 * Debian rootfs under an overlay whose upper layer and state are in `stateDir` (the cached tree is never
 * written), with slirp4netns for traffic out. Inside, 127.0.0.1:PORT reaches the host's 127.0.0.1:PORT
 * (scripts/tools/dagger/engine-namespace.sh), so a registry started on the host's loopback, before or after
 * the engine, is the same reference on both sides and spoken to over plain HTTP like any localhost registry.
 * The host's iptables, network and resolv.conf are never touched.
 */
export async function startDaggerEngine(opts: DaggerEngineOptions = {}): Promise<DaggerEngine> {
  const env = opts.env ?? process.env;
  const missing = daggerEngineMissing(env);
  if (missing) throw new Error(missing);
  const cli = daggerCli(env);
  const rootfs = daggerRootfs(env);
  const sdk = opts.sdk === null ? undefined : (opts.sdk ?? daggerSdkContent(env));
  const state = opts.stateDir ?? mkdtempSync(join(tmpdir(), "charthouse-dagger-"));
  for (const dir of ["etc", "run"]) mkdirSync(join(state, dir), { recursive: true });

  const sdkConfig = sdk && existsSync(join(sdk, "engine.json")) ? readJson(join(sdk, "engine.json")) : {};
  const config = {
    logLevel: "info",
    registries: { ...(sdkConfig.registries as object | undefined), ...opts.registries },
  };
  writeFileSync(join(state, "etc", "engine.json"), `${JSON.stringify(config, null, 2)}\n`);
  const engineEnv = [
    ...(sdk ? readFileSync(join(sdk, "engine.env"), "utf8").split("\n") : []),
    // The engine's own telemetry stays on this machine.
    "DO_NOT_TRACK=1",
  ].filter((line) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(line));
  writeFileSync(join(state, "run", "engine.env"), `${engineEnv.join("\n")}\n`);

  const script = fileURLToPath(new URL("engine-namespace.sh", DAGGER_SCRIPTS));
  const args = ["--mount", "--net", "--pid", "--fork", "--propagation", "private", "--kill-child=SIGTERM"];
  const innerArgs = [script, rootfs, state, ...(sdk ? [join(sdk, "content")] : [])];
  const namespace = spawn("unshare", [...args, "bash", ...innerArgs], {
    stdio: ["ignore", "ignore", "pipe"],
    detached: true,
  });
  let stderr = "";
  namespace.stderr?.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  namespace.unref();
  const socket = join(state, "run", "dagger", "engine.sock");
  const runnerHost = `unix://${socket}`;
  const engineLog = (): string => {
    try {
      return readFileSync(join(state, "run", "engine.log"), "utf8").slice(-6000);
    } catch {
      return "";
    }
  };
  // The namespace's pid 1 (unshare's child): ending it ends every process in the namespace and with the
  // last of them its mounts.
  let inner: number | undefined;
  let slirp: ChildProcess | undefined;
  const stop = async (): Promise<void> => {
    await endProcess(inner ?? namespace.pid, 30_000);
    await endProcess(namespace.pid, 5_000);
    await endProcess(slirp?.pid, 5_000);
    if (!opts.stateDir) rmSync(state, { recursive: true, force: true });
  };
  try {
    await waitFor("the engine's namespace", async () => {
      if (namespace.exitCode !== null) throw new Error(`unshare exited ${namespace.exitCode}: ${stderr}`);
      inner = childOf(namespace.pid!);
      return inner !== undefined;
    });
    // unshare forks only after it made the namespaces; slirp4netns must never be pointed at the host's.
    if (readlinkSync(`/proc/${inner}/ns/net`) === readlinkSync("/proc/self/ns/net"))
      throw new Error("the engine's process is in the host's network namespace");
    slirp = spawn("slirp4netns", ["--configure", "--mtu=65520", String(inner), "tap0"], {
      stdio: ["ignore", "ignore", "pipe"],
      detached: true,
    });
    slirp.stderr?.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    slirp.unref();
    await waitFor(
      "the Dagger engine",
      async () => {
        if (namespace.exitCode !== null)
          throw new Error(`the engine's namespace exited ${namespace.exitCode}: ${stderr}\n${engineLog()}`);
        if (slirp?.exitCode != null) throw new Error(`slirp4netns exited ${slirp.exitCode}: ${stderr}`);
        if (!existsSync(socket)) return false;
        await execTool(cli, ["core", "version"], { env: cliEnv(runnerHost, env) });
        return true;
      },
      120_000,
      250,
    );
  } catch (error) {
    await stop();
    throw new Error(`starting the Dagger engine failed: ${(error as Error).message}\n${engineLog()}`);
  }
  (namespace.stderr as NodeJS.ReadableStream & { unref?: () => void })?.unref?.();
  (slirp?.stderr as NodeJS.ReadableStream & { unref?: () => void })?.unref?.();
  return {
    runnerHost,
    cli,
    pid: inner!,
    pids: [inner!, namespace.pid!, slirp!.pid!],
    sdk,
    env: (base = env) => cliEnv(runnerHost, base),
    logFile: join(state, "run", "engine.log"),
    log: engineLog,
    stop,
  };
}

/** What a `dagger` CLI call needs: the engine to use, and no update checks, nags or cloud telemetry. */
function cliEnv(runnerHost: string, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const cli = join(dirname(daggerCli(base)));
  return {
    ...base,
    PATH: `${cli}:${base.PATH ?? ""}`,
    _EXPERIMENTAL_DAGGER_RUNNER_HOST: runnerHost,
    DAGGER_NO_NAG: "1",
    DAGGER_NO_UPDATE_CHECK: "1",
    DO_NOT_TRACK: "1",
  };
}

/** SIGTERM to `pid`, SIGKILL after `graceMs`; resolves when it is gone. */
async function endProcess(pid: number | undefined, graceMs: number): Promise<void> {
  if (!pid || !alive(pid)) return;
  process.kill(pid, "SIGTERM");
  await waitFor(`pid ${pid} to stop`, async () => !alive(pid), graceMs, 100).catch(() => {
    if (alive(pid)) process.kill(pid, "SIGKILL");
  });
  await waitFor(`pid ${pid} to be killed`, async () => !alive(pid), 10_000, 100).catch(() => {});
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, "utf8").includes(") Z ");
  } catch {
    return false;
  }
}

/** The one child of `pid` (unshare --fork's), if it has one yet. */
function childOf(pid: number): number | undefined {
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim();
    return children ? Number(children.split(/\s+/)[0]) : undefined;
  } catch {
    return undefined;
  }
}

function onPath(tool: string, env: NodeJS.ProcessEnv): boolean {
  return (env.PATH ?? "").split(":").some((dir) => dir && existsSync(join(dir, tool)));
}

const readJson = (path: string): Record<string, unknown> => JSON.parse(readFileSync(path, "utf8")) as never;

/** What a suite gets from the run's one engine: where it listens and the environment its CLI calls need. */
export interface SharedDaggerEngine {
  readonly runnerHost: string;
  readonly cli: string;
  /** The engine's log file on the host: what its processes printed. */
  readonly logFile: string;
  /** The builtin SDK content folder it runs with, if any: suites that load a module need it. */
  readonly sdk: string | undefined;
  /**
   * The run's registry for real-engine publishes (htpasswd: user `ci`, password ENGINE_REGISTRY_PASSWORD): `host` is
   * how this process reaches it (127.0.0.1:PORT), `inside` how the engine's containers do (10.0.2.2:PORT, the host's
   * loopback through slirp4netns), declared plain HTTP to the engine; projects declare it with `plainHttp: true`.
   * `mirror` is the engine's docker.io and ghcr.io mirror, which the engine itself reaches by the same 127.0.0.1
   * name: a place for base images.
   */
  readonly registry: {
    readonly host: string;
    readonly inside: string;
    readonly mirror: string;
    /** Why the mirror holds no tool images (the command to run), when it does not. */
    readonly toolImagesMissing?: string;
  };
  env(base?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
}

/** The password of the real-engine registry's user `ci`: a canary no output may carry. */
export const ENGINE_REGISTRY_PASSWORD = "engine-canary-4b7d2e-DO-NOT-LEAK";

/**
 * The registries the run's engine is started with: a mirror for docker.io and ghcr.io holding the stand-ins of the
 * adapter's tool images (test/kit/dagger-tool-mirror.ts), and one registry for the suites' publishes, which the
 * engine's containers reach at 10.0.2.2 (a loopback name is their own loopback), declared plain HTTP.
 */
async function engineRegistries(): Promise<{
  registries: Record<string, unknown>;
  registry: SharedDaggerEngine["registry"];
  stop(): Promise<void>;
}> {
  const { startRegistry } = await import("./registry-server.js");
  const { fillToolMirror, MIRRORED_HOSTS } = await import("./dagger-tool-mirror.js");
  const { RegistryClient } = await import("../../src/registry/index.js");
  const mirror = await startRegistry();
  const publish = await startRegistry({ kind: "htpasswd", users: { ci: ENGINE_REGISTRY_PASSWORD } });
  // Without the tool images the engine still loads and calls modules; only the adapter's tool steps need them.
  const toolImages = await fillToolMirror(new RegistryClient(), mirror.host).then(
    () => undefined,
    (error: Error) => error.message,
  );
  const inside = publish.host.replace(/^127\.0\.0\.1:/, "10.0.2.2:");
  const registries: Record<string, unknown> = { [inside]: { http: true }, [mirror.host]: { http: true } };
  for (const host of MIRRORED_HOSTS) registries[host] = { mirrors: [mirror.host] };
  return {
    registries,
    registry: {
      host: publish.host,
      inside,
      mirror: mirror.host,
      ...(toolImages ? { toolImagesMissing: toolImages } : {}),
    },
    stop: async () => void (await Promise.all([mirror.stop(), publish.stop()])),
  };
}

/**
 * For the integration global setup: one engine for every suite of the run, started only when the first suite
 * asks for it (useDaggerEngine) — a run without such a suite never starts it. Suites run in other processes, so
 * they ask over a unix socket in `dir`; `address` is what the setup provides them, `close` stops the engine (if it
 * was started) and the socket.
 */
export async function serveDaggerEngineOnDemand(
  opts: DaggerEngineOptions = {},
): Promise<{ address: string; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), "charthouse-dagger-demand-"));
  const address = join(dir, "engine.sock");
  let started: Promise<{ engine: DaggerEngine; around: Awaited<ReturnType<typeof engineRegistries>> }> | undefined;
  const start = async () => {
    const around = await engineRegistries();
    try {
      const engine = await startDaggerEngine({ ...opts, registries: { ...around.registries, ...opts.registries } });
      return { engine, around };
    } catch (error) {
      await around.stop();
      throw error;
    }
  };
  const server = createServer((_request, response) => {
    started ??= start();
    started.then(
      ({ engine: e, around }) =>
        response.end(
          JSON.stringify({
            runnerHost: e.runnerHost,
            sdk: e.sdk ?? null,
            registry: around.registry,
            logFile: e.logFile,
          }),
        ),
      (error: Error) => response.end(JSON.stringify({ error: error.message })),
    );
  });
  server.timeout = 0;
  server.requestTimeout = 0;
  await new Promise<void>((resolve) => server.listen(address, resolve));
  return {
    address,
    async close() {
      await new Promise((resolve) => server.close(resolve));
      if (started)
        await started.then(
          async ({ engine, around }) => {
            await engine.stop();
            await around.stop();
          },
          () => {},
        );
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The run's one engine (serveDaggerEngineOnDemand at `address`), started on the first call. */
export async function useDaggerEngine(
  address: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<SharedDaggerEngine> {
  const body = await new Promise<string>((resolve, reject) => {
    const request = httpRequest({ socketPath: address, path: "/engine" }, (response) => {
      let text = "";
      response.on("data", (d: Buffer) => (text += d.toString()));
      response.on("end", () => resolve(text));
    });
    request.on("error", reject);
    request.end();
  });
  const answer = JSON.parse(body) as {
    runnerHost?: string;
    sdk?: string | null;
    registry?: SharedDaggerEngine["registry"];
    logFile?: string;
    error?: string;
  };
  if (answer.error !== undefined) throw new Error(answer.error);
  const runnerHost = answer.runnerHost!;
  return {
    runnerHost,
    cli: daggerCli(env),
    sdk: answer.sdk ?? undefined,
    registry: answer.registry!,
    logFile: answer.logFile!,
    env: (base = env) => cliEnv(runnerHost, base),
  };
}

/**
 * Why a suite that loads a module on the real engine cannot run here (the engine's tools, or the builtin SDK
 * content), or undefined when it can.
 */
export function daggerModuleMissing(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return (
    daggerEngineMissing(env) ??
    (daggerSdkContent(env)
      ? undefined
      : "the Dagger SDK content is not built: run `node scripts/tools/dagger-sdk/build-content.mjs`")
  );
}

/** A copy of charthouse's module as the engine gets it: dagger.json and ci/, nothing else of the checkout. */
export function charthouseModuleCopy(): string {
  const repo = fileURLToPath(new URL("../../", import.meta.url));
  const root = mkdtempSync(join(tmpdir(), "charthouse-module-"));
  cpSync(join(repo, "dagger.json"), join(root, "dagger.json"));
  cpSync(join(repo, "ci"), join(root, "ci"), {
    recursive: true,
    filter: (src: string) => !/\/(node_modules|sdk)$/.test(src),
  });
  return root;
}
