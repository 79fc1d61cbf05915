#!/usr/bin/env node
// Builds the Debian root filesystem the Dagger engine runs in (scripts/tools/dagger/rootfs/build.sh)
// into <cache>/charthouse/tools/dagger-rootfs-<engine version>-<recipe digest>/, once: the digest is
// over the recipe folder's files, so an edit to the recipe is a new rootfs and a warm machine builds
// nothing. Needs the engine's binaries first (`node scripts/tools/build-tools.mjs dagger`) and root
// (debootstrap, chroot). Run by .ci/run, never by a test: test/kit/dagger-engine.ts computes the same
// name and says this command when the folder is missing.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { toolDir, toolVersion } from "../build-tools.mjs";

const recipe = join(dirname(fileURLToPath(import.meta.url)), "rootfs");

/** `dagger-rootfs-v0.21.8-` and the first 12 hex of a SHA-256 over the recipe's files (as for a tool of our own). */
export function rootfsDir() {
  const hash = createHash("sha256");
  for (const file of readdirSync(recipe).sort())
    hash
      .update(`${file}\0`)
      .update(readFileSync(join(recipe, file)))
      .update("\0");
  const digest = hash.digest("hex").slice(0, 12);
  return join(dirname(toolDir("dagger")), `dagger-rootfs-${toolVersion("dagger")}-${digest}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = rootfsDir();
  if (existsSync(join(out, "usr/local/bin/dagger-engine"))) {
    console.log(`tools: dagger rootfs cached (${out})`);
  } else {
    const binaries = toolDir("dagger");
    if (!existsSync(join(binaries, "dagger-engine")))
      throw new Error(`the engine is not built: run \`node scripts/tools/build-tools.mjs dagger\` first`);
    const started = Date.now();
    console.log(`tools: building the dagger rootfs (debootstrap) …`);
    execFileSync("bash", [join(recipe, "build.sh"), out, binaries], { stdio: "inherit" });
    console.log(`tools: dagger rootfs built in ${((Date.now() - started) / 1000).toFixed(0)} s (${out})`);
  }
}
