import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { build } from "esbuild";

/**
 * What the Dagger engine and its TypeScript runtime give a module, staged in a temp
 * directory from a checkout, as far as it can be without an engine (a stand-in, named
 * so): only dagger.json and the module's source directory; the SDK library where the
 * runtime mounts it (<source>/sdk and <source>/node_modules/@dagger.io/dagger), from the
 * @dagger.io/dagger package; the TypeScript the runtime bundles (5.9.3) as the only
 * installed dependency; package.json as the runtime rewrites it; and the runtime's
 * launcher as src/__dagger.entrypoint.ts. Nothing else of the checkout is there.
 */
export interface StagedModule {
  /** The staged context: dagger.json and the module source, nothing else of the checkout. */
  readonly root: string;
  /** The module's source directory inside it (what `source` in dagger.json names). */
  readonly moduleDir: string;
  /** The install the runtime would run against the npm registry on a cold load (undefined: none). */
  readonly install: string | undefined;
  /** package.json as the runtime rewrote it. */
  readonly packageJson: PackageJson;
}

interface PackageJson {
  type?: string;
  packageManager?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** The TypeScript the runtime bundles and mounts instead of installing (sdk/typescript/runtime/tsdistconsts). */
export const RUNTIME_TYPESCRIPT = "5.9.3";
/** The tsx the engine's runtime container runs the module with. */
export const RUNTIME_TSX = "4.15.6";

const REPO = new URL("../../../", import.meta.url).pathname;
const SDK_PACKAGE = join(REPO, "node_modules/@dagger.io/dagger");
/** The files the runtime supplies itself rather than take from the module source. */
const RUNTIME_OWNED = [
  "package.json",
  "tsconfig.json",
  "package-lock.json",
  "yarn.lock",
  "pnpm-lock.yaml",
  "sdk",
  "node_modules",
];

/** package.json as the runtime rewrites it on every load (tsutils/package_json_updator). */
export function runtimePackageJson(text: string | undefined): PackageJson {
  const pkg = (text ? JSON.parse(text) : {}) as PackageJson;
  pkg.type = "module";
  pkg.dependencies = { typescript: RUNTIME_TYPESCRIPT, ...pkg.dependencies };
  delete pkg.dependencies["@dagger.io/dagger"];
  if (pkg.devDependencies) delete pkg.devDependencies["@dagger.io/dagger"];
  return pkg;
}

/**
 * What the runtime installs from the registry on a cold load (runtime_node.go): nothing
 * when the only dependency is the TypeScript it bundles at exactly its version; else the
 * package manager's install (yarn unless packageManager or a lock file says otherwise).
 */
export function runtimeInstall(
  pkg: PackageJson,
  files: { hasLockFile: (name: string) => boolean },
): string | undefined {
  const deps = pkg.dependencies ?? {};
  if (deps.typescript === RUNTIME_TYPESCRIPT && Object.keys(deps).length <= 1) return undefined;
  const manager =
    pkg.packageManager?.split("@")[0] ??
    (files.hasLockFile("package-lock.json") ? "npm" : files.hasLockFile("pnpm-lock.yaml") ? "pnpm" : "yarn");
  return manager === "npm"
    ? "npm install --omit=dev"
    : manager === "pnpm"
      ? "pnpm install --prod"
      : "yarn install --prod";
}

let sdkCore: Promise<string> | undefined;
/** The SDK bundled into one file, as the runtime's bundled library ships it (TypeScript left to node_modules). */
function bundledSdk(): Promise<string> {
  sdkCore ??= build({
    entryPoints: [join(SDK_PACKAGE, "dist/src/index.js")],
    bundle: true,
    write: false,
    format: "esm",
    platform: "node",
    target: "node20",
    external: ["typescript"],
    logLevel: "silent",
    banner: {
      js: 'import { createRequire as __sdkRequire } from "node:module"; const require = __sdkRequire(import.meta.url);',
    },
  }).then((r) => r.outputFiles[0]!.text);
  return sdkCore;
}

export async function stageModule(repo: string = REPO): Promise<StagedModule> {
  const config = JSON.parse(readFileSync(join(repo, "dagger.json"), "utf8")) as {
    source?: string;
    include?: unknown;
    exclude?: unknown;
  };
  // The harness does not model include/exclude patterns yet: refuse rather than stage something the engine would not.
  if (config.include || config.exclude)
    throw new Error("dagger.json include/exclude are not modelled by the module harness");
  const source = config.source ?? ".";
  const root = join(tmpdir(), `charthouse-engine-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  const moduleDir = join(root, source);
  mkdirSync(moduleDir, { recursive: true });
  writeFileSync(join(root, "dagger.json"), readFileSync(join(repo, "dagger.json")));
  const from = join(repo, source);
  cpSync(from, moduleDir, { recursive: true, filter: (path) => !RUNTIME_OWNED.includes(relative(from, path)) });

  const original = existsSync(join(from, "package.json"))
    ? readFileSync(join(from, "package.json"), "utf8")
    : undefined;
  const packageJson = runtimePackageJson(original);
  writeFileSync(join(moduleDir, "package.json"), JSON.stringify(packageJson, null, 2));
  const install = runtimeInstall(packageJson, { hasLockFile: (name) => existsSync(join(from, name)) });
  cpSync(join(from, "tsconfig.json"), join(moduleDir, "tsconfig.json"));

  // The SDK library: a bundled core, the API's classes in client.gen.ts (the scan finds
  // Directory, Secret, … there by name), and an index exporting both.
  const sdk = join(moduleDir, "sdk");
  mkdirSync(sdk, { recursive: true });
  writeFileSync(join(sdk, "core.js"), await bundledSdk());
  const api = readFileSync(join(SDK_PACKAGE, "dist/src/api/client.gen.d.ts"), "utf8").replace(
    /^import \{ Context \} from "..\/common\/context.js";$/m,
    'import type { Context } from "./core.js";',
  );
  writeFileSync(join(sdk, "client.gen.ts"), `${api}\nexport * from "./core.js";\n`);
  writeFileSync(
    join(sdk, "index.ts"),
    "export { connection, connect, Context, func, check, generate, argument, object, field, enumType, entrypoint } " +
      'from "./core.js";\nexport * from "./client.gen.js";\n',
  );
  writeFileSync(join(sdk, "telemetry.ts"), 'export { getTracer } from "./core.js";\n');
  mkdirSync(join(moduleDir, "node_modules/@dagger.io"), { recursive: true });
  symlinkSync(sdk, join(moduleDir, "node_modules/@dagger.io/dagger"), "dir");
  symlinkSync(join(REPO, "node_modules/typescript-dagger"), join(moduleDir, "node_modules/typescript"), "dir");
  cpSync(new URL("./entrypoint.ts", import.meta.url).pathname, join(moduleDir, "src/__dagger.entrypoint.ts"));
  return { root, moduleDir, install, packageJson };
}

export function removeStage(stage: StagedModule): void {
  rmSync(stage.root, { recursive: true, force: true });
}

export interface RuntimeRun {
  readonly code: number | null;
  readonly output: string;
  /** Connections the process tried outside loopback (refused). */
  readonly offLoopback: string[];
}

/**
 * Runs the staged module's entrypoint under tsx, the way the runtime container's entrypoint does, against an engine at
 * `port`.
 */
export function runEntrypoint(
  stage: StagedModule,
  session: { port: number; token: string },
  env: Record<string, string> = {},
): Promise<RuntimeRun> {
  const log = join(stage.root, "network.log");
  const tsx = join(REPO, "node_modules/tsx/dist/cli.mjs");
  const guard = new URL("./network-guard.mjs", import.meta.url).href;
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        tsx,
        "--no-deprecation",
        "--tsconfig",
        join(stage.moduleDir, "tsconfig.json"),
        join(stage.moduleDir, "src/__dagger.entrypoint.ts"),
      ],
      {
        cwd: stage.moduleDir,
        env: {
          PATH: process.env.PATH ?? "/usr/bin:/bin",
          HOME: stage.root,
          NODE_OPTIONS: `--import=${guard}`,
          CHARTHOUSE_NETWORK_LOG: log,
          DAGGER_SESSION_PORT: String(session.port),
          DAGGER_SESSION_TOKEN: session.token,
          ...env,
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      const offLoopback = existsSync(log) ? readFileSync(log, "utf8").split("\n").filter(Boolean) : [];
      resolve({ code, output, offLoopback });
    });
  });
}
