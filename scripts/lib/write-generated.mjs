// Every generator ends the same way: write its files, or with --check compare them with what is
// committed and fail naming the stale ones (test/unit/project/generated.test.ts runs the check).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, relative } from "node:path";

/** Writes `files` (absolute path → text), or under `--check` exits 1 naming each that differs. */
export function writeGenerated(files, root) {
  const check = process.argv.includes("--check");
  const stale = [];
  for (const [file, text] of Object.entries(files)) {
    if (check) {
      let current;
      try {
        current = readFileSync(file, "utf8");
      } catch {}
      if (current !== text) stale.push(relative(root, file));
    } else {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
    }
  }
  if (stale.length) {
    console.error(`${stale.join(", ")} stale: run npm run generate and commit the result`);
    process.exit(1);
  }
}
