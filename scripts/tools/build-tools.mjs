#!/usr/bin/env node
// Builds the infrastructure tools the integration tests use for real (buildx, a
// Kubernetes control plane, etcd, kwok, cosign, syft, a registry with the OCI 1.1
// referrers API) from the Go module proxy — the only place this machine kind can get
// them. Each lands in <cache>/charthouse/tools/<name>-<version>/, so a warm machine
// builds nothing. A tool of our own (`source` in versions.json: a Go module folder with
// its go.mod and go.sum) is versioned by a digest of its files, so an edit rebuilds it.
// Run by .ci/run, never by a test: a test only looks the binaries up
// (test/kit/tools.ts) and skips with the command to run when they are missing.
//
// Every tool is built through a wrapper module of our own, because `go install
// mod@version` refuses a module whose go.mod has replace directives, and the
// big ones have them: Kubernetes replaces each k8s.io/<staging> module with its
// ./staging copy and etcd each of its sibling modules with ../<dir>. The wrapper
// maps those local replaces to the published module at the matching version
// and keeps the upstream replaces that point at other modules (forks).
//
// usage: node scripts/tools/build-tools.mjs [name ...]   (default: all)
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const versions = JSON.parse(readFileSync(join(here, "versions.json"), "utf8"));
export const cacheRoot = join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "charthouse", "tools");
const go = existsSync("/usr/local/go/bin/go") ? "/usr/local/go/bin/go" : "go";

export function toolDir(name) {
  return join(cacheRoot, `${name}-${toolVersion(name)}`);
}

/**
 * A published tool's pinned version; for one of our own, `src-` and the first 12 hex of a
 * SHA-256 over its folder's files (name, NUL, content, NUL, in name order). test/kit/built-tools.ts
 * computes the same, and test/unit/project/tools.test.ts holds the two to it.
 */
export function toolVersion(name) {
  const tool = versions[name];
  if (!tool.source) return tool.version;
  const dir = join(here, "..", "..", tool.source);
  const hash = createHash("sha256");
  for (const file of readdirSync(dir).sort())
    hash
      .update(`${file}\0`)
      .update(readFileSync(join(dir, file)))
      .update("\0");
  return `src-${hash.digest("hex").slice(0, 12)}`;
}

function sh(args, cwd, env = {}) {
  return execFileSync(go, args, {
    cwd,
    env: { ...process.env, CGO_ENABLED: "0", GOFLAGS: "-mod=mod", ...env },
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 64 * 1024 * 1024,
  }).toString();
}

/** The published version a local replace (`=> ./staging/src/k8s.io/api`) stands for. */
function publishedVersion(name, version, path) {
  // staging: v1.34.4 → v0.34.4
  if (name === "kubernetes" && path.startsWith("k8s.io/")) return version.replace(/^v1\./, "v0.");
  return version; // etcd's sibling modules are released in lock step
}

function wrapperGoMod(name, tool, work) {
  // Read the upstream go.mod from the module cache to learn its replace directives.
  const info = JSON.parse(sh(["mod", "download", "-json", `${tool.module}@${tool.version}`], work));
  const upstream = JSON.parse(sh(["mod", "edit", "-json", info.GoMod], work));
  const lines = [
    `module charthouse.local/tools/${name}`,
    "",
    `go ${upstream.Go ?? "1.24"}`,
    "",
    `require ${tool.module} ${tool.version}`,
    "",
  ];
  const required = new Map((upstream.Require ?? []).map((r) => [r.Path, r.Version]));
  // Our own mappings (versions.json `replace`) come first and win: a module upstream pins at a
  // version the proxy refuses, or keeps only as a local folder, mapped to one that is served or
  // to a folder of ours beside this script (Dagger's distconsts).
  // One mapped to a published version is also required at it, so its own requirements (newer than
  // upstream's go.mod lists for it) are in the module graph.
  const own = Object.entries(tool.replace ?? {});
  for (const [path, target] of own) {
    const to = target.startsWith(".") ? join(here, target) : target;
    lines.push(`replace ${path} => ${to}`);
    const [module, version] = target.split(" ");
    if (version && module === path) lines.push(`require ${path} ${version}`);
  }
  for (const r of upstream.Replace ?? []) {
    if (r.Old.Path === tool.module || own.some(([path]) => path === r.Old.Path)) continue;
    const local = r.New.Path.startsWith(".") || r.New.Path.startsWith("/");
    if (!local) {
      lines.push(`replace ${r.Old.Path}${r.Old.Version ? ` ${r.Old.Version}` : ""} => ${r.New.Path} ${r.New.Version}`);
      continue;
    }
    // A local replace of a module required at a real version (etcd's siblings) needs
    // nothing: the requirement already names the published module. One required at
    // v0.0.0 (Kubernetes' staging) is mapped to its published version. Any other is
    // a guard against a bad import (etcd's ./FORBIDDEN_DEPENDENCY) and is dropped.
    if (required.get(r.Old.Path) === "v0.0.0") {
      lines.push(`replace ${r.Old.Path} => ${r.Old.Path} ${publishedVersion(name, tool.version, r.Old.Path)}`);
    }
  }
  for (const e of upstream.Exclude ?? []) lines.push(`exclude ${e.Path} ${e.Version}`);
  return `${lines.join("\n")}\n`;
}

function ldflags(name, tool) {
  if (name === "kubernetes") {
    const [major, minor] = tool.version.replace(/^v/, "").split(".");
    const p = "k8s.io/component-base/version";
    return (
      `-s -w -X ${p}.gitVersion=${tool.version} -X ${p}.gitMajor=${major} -X ${p}.gitMinor=${minor} -X ` +
      `${p}.gitTreeState=clean`
    );
  }
  if (name === "buildx") return `-s -w -X github.com/docker/buildx/version.Version=${tool.version}`;
  if (name === "kwok") return `-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=${tool.version.replace(/^v/, "")}`;
  if (name === "cosign") return `-s -w -X sigs.k8s.io/release-utils/version.gitVersion=${tool.version}`;
  if (name === "syft") return `-s -w -X main.version=${tool.version.replace(/^v/, "")}`;
  if (name === "dagger") {
    const p = "github.com/dagger/dagger/engine";
    return `-s -w -X ${p}.Version=${tool.version} -X ${p}.Tag=${tool.version}`;
  }
  return "-s -w";
}

function build(name) {
  const tool = versions[name];
  if (!tool) throw new Error(`unknown tool ${name}; known: ${Object.keys(versions).join(", ")}`);
  const dir = toolDir(name);
  const binaries = Object.keys(tool.packages);
  if (binaries.every((b) => existsSync(join(dir, b)))) {
    console.log(`tools: ${name} ${toolVersion(name)} cached (${dir})`);
    return;
  }
  const started = Date.now();
  if (tool.source) return buildOwn(name, tool, dir, started);
  const work = `${dir}.work`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  writeFileSync(join(work, "go.mod"), "module charthouse.local/probe\n\ngo 1.24\n");
  const goMod = wrapperGoMod(name, tool, work);
  writeFileSync(join(work, "go.mod"), goMod);
  const out = `${dir}.partial`;
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  for (const [binary, pkg] of Object.entries(tool.packages)) {
    // A binary added to a tool's packages (kubelet beside the control plane) is built alone:
    // the ones already built at this version are the same build, so they are kept.
    if (existsSync(join(dir, binary))) {
      copyFileSync(join(dir, binary), join(out, binary));
      continue;
    }
    console.log(`tools: building ${binary} (${name} ${tool.version}) …`);
    const tags = tool.tags ? ["-tags", tool.tags] : [];
    sh(["build", "-trimpath", ...tags, "-ldflags", ldflags(name, tool), "-o", join(out, binary), pkg], work);
  }
  rmSync(dir, { recursive: true, force: true });
  renameSync(out, dir); // whole or not at all: a half-built tool never looks cached
  rmSync(work, { recursive: true, force: true });
  console.log(`tools: ${name} ${tool.version} built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

/**
 * A tool of our own, built in its folder against the go.mod and go.sum committed there
 * (`-mod=readonly`: the build never edits them; what the module cache lacks comes from the proxy).
 */
function buildOwn(name, tool, dir, started) {
  const out = `${dir}.partial`;
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  for (const [binary, pkg] of Object.entries(tool.packages)) {
    console.log(`tools: building ${binary} (${name} ${toolVersion(name)}) …`);
    const args = ["build", "-trimpath", "-ldflags", "-s -w", "-o", join(out, binary), pkg];
    // No VCS stamp: the folder sits in charthouse's checkout, whose state is no part of the tool.
    sh(args, join(here, "..", "..", tool.source), { GOFLAGS: "-mod=readonly -buildvcs=false" });
  }
  rmSync(dir, { recursive: true, force: true });
  renameSync(out, dir); // whole or not at all, as for the others
  console.log(`tools: ${name} ${toolVersion(name)} built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const names = process.argv.slice(2);
  for (const name of names.length ? names : Object.keys(versions)) build(name);
}
