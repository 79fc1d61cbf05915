#!/usr/bin/env node
// `npm run demo [-- flags]`: README's first command. On a fresh clone of a fresh machine it sets up what
// the demo needs, then runs it (demo/demo.ts; `--updater`: demo/updater-demo.ts):
//  - the Debian packages of scripts/ci/debian-packages.txt, the one list .ci/run installs from too;
//  - `npm ci` when node_modules is missing or older than package-lock.json;
//  - the Go tools a variant needs, built from the Go module proxy and cached by version (`--platforms`:
//    buildx and QEMU; `--updater`: the Kubernetes control plane); the plain demo needs none.
// What it cannot do (not root, no apt-get, no Go) it says in one line with the command to run, exit 2.
// Node's own modules only: nothing is installed when it starts.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const say = (text) => process.stdout.write(`\x1b[1mdemo:\x1b[0m ${text}\n`);
/** One line saying what to run instead, and exit 2. */
const stop = (text) => {
  process.stderr.write(`demo: ${text}\n`);
  process.exit(2);
};
const run = (command, commandArgs, env = process.env) => {
  const done = spawnSync(command, commandArgs, { cwd: root, stdio: "inherit", env });
  if (done.status !== 0) process.exit(done.status ?? 1);
};
const onPath = (command) =>
  [...(process.env.PATH ?? "").split(delimiter), "/usr/sbin", "/sbin"].some(
    (dir) => dir && existsSync(join(dir, command)),
  );
const isRoot = process.getuid?.() === 0;

// 1. The Debian packages, from the one list.
const packages = readFileSync(join(root, "scripts/ci/debian-packages.txt"), "utf8")
  .split("\n")
  .map((line) => line.replace(/#.*/, "").trim().split(/\s+/))
  .filter((words) => words.length >= 2);
const missing = [
  ...new Set(
    packages
      .filter(([pkg, command, check]) =>
        check === "dpkg" ? spawnSync("dpkg", ["-s", pkg], { stdio: "ignore" }).status !== 0 : !onPath(command),
      )
      .map(([pkg]) => pkg),
  ),
];
if (missing.length) {
  const install = `apt-get install -y --no-install-recommends ${missing.join(" ")}`;
  if (!onPath("apt-get"))
    stop(`needs ${missing.join(", ")}, and this machine has no apt-get: install them, then rerun`);
  if (!isRoot) stop(`needs the Debian packages ${missing.join(" ")}: run \`sudo ${install}\`, then npm run demo`);
  say(`installing the Debian packages ${missing.join(" ")} (apt-get, about a minute) …`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  run("apt-get", ["update", "-qq"], env);
  run("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...missing], env);
}

// 2. The npm dependencies, when missing or older than the lock file (as .ci/run decides).
const mtime = (path) => statSync(join(root, path), { throwIfNoEntry: false })?.mtimeMs;
const installed = mtime("node_modules/.package-lock.json");
if (
  !existsSync(join(root, "node_modules/.bin/tsc")) ||
  installed === undefined ||
  mtime("package-lock.json") > installed
) {
  say("installing the npm dependencies (npm ci, a minute or two) …");
  run("npm", ["ci", "--no-audit", "--no-fund"]);
}

// 3. The Go tools the chosen variant needs; the plain demo needs none (it signs only when cosign and syft are built).
const { toolDir } = await import("./tools/build-tools.mjs");
const versions = JSON.parse(readFileSync(join(root, "scripts/tools/versions.json"), "utf8"));
const needs = args.includes("--updater")
  ? ["kubernetes", "etcd", "kwok"]
  : args.includes("--platforms")
    ? ["buildx"]
    : [];
const unbuilt = needs.filter((tool) =>
  Object.keys(versions[tool].packages).some((binary) => !existsSync(join(toolDir(tool), binary))),
);
if (unbuilt.length) {
  const go = existsSync("/usr/local/go/bin/go") || onPath("go");
  const build = `node scripts/tools/build-tools.mjs ${unbuilt.join(" ")}`;
  if (!go) stop(`this variant needs ${unbuilt.join(", ")}, built with Go: install Go 1.26, then run \`${build}\``);
  say(
    `building ${unbuilt.join(", ")} from the Go module proxy, once: a few minutes for buildx, about a quarter of an ` +
      "hour for the Kubernetes control plane on a fresh 2-core machine; cached in ~/.cache/charthouse/tools after …",
  );
  run(process.execPath, ["scripts/tools/build-tools.mjs", ...unbuilt], {
    ...process.env,
    PATH: `${process.env.PATH}${delimiter}/usr/local/go/bin`,
  });
}
if (args.includes("--platforms")) {
  if (!isRoot) stop("--platforms registers QEMU with binfmt_misc: run `sudo bash scripts/ci/emulation.sh`, then rerun");
  run("bash", ["scripts/ci/emulation.sh"]);
}

// 4. Build, then the demo itself.
run("npm", ["run", "-s", "build"]);
run(process.execPath, [join(root, "dist/demo/demo.js"), ...args]);
