// Writes charthouse's own CI files (.circleci/config.yml, .github/workflows/charthouse.yml) from
// the same generator `charthouse init` uses for adopters. Run under tsx by `npm run generate`.
// `--check` fails when the committed ones differ.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ownCiFiles } from "../src/ci-files/own.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const stale: string[] = [];
for (const [path, content] of Object.entries(ownCiFiles(root))) {
  const file = join(root, path);
  if (process.argv.includes("--check")) {
    let current = "";
    try {
      current = readFileSync(file, "utf8");
    } catch {}
    if (current !== content) stale.push(path);
  } else {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
}
if (stale.length) {
  console.error(`${stale.join(", ")} stale: run npm run generate and commit them`);
  process.exit(1);
}
