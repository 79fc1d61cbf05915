#!/usr/bin/env node
// Assembles what the charthouse image holds into one directory (default .image/): the
// bundled CLI (what bin/charthouse.js loads), its production dependencies, helm and kubectl. The Dockerfile's build
// stage runs this after `npm ci`; `npm run pack:image` runs it on a machine that has built
// already, for the `charthouse-prebuilt` target (a build with no network).
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = process.argv[2] ?? join(root, ".image");
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
for (const path of ["package.json", "charthouse.schema.json", "bin", "dist/cli"]) {
  if (!existsSync(join(root, path))) throw new Error(`${path} is missing: run npm run prepare first`);
  cpSync(join(root, path), join(out, path), { recursive: true });
}
// Production dependencies only, as npm resolves them.
const paths = execFileSync("npm", ["ls", "--omit=dev", "--all", "--parseable"], { cwd: root, encoding: "utf8" })
  .split("\n")
  .filter((p) => p && p !== root);
for (const path of paths) cpSync(path, join(out, relative(root, path)), { recursive: true });
mkdirSync(join(out, "tools"));
for (const tool of ["helm", "kubectl"])
  cpSync(join(root, "node_modules/.cache/charthouse", tool, tool), join(out, "tools", tool));
console.log(`assembled the image's files in ${out}`);
