#!/usr/bin/env node
// Bundles the CLI (src/cli/main.ts and what it imports, commander, yaml and semver too) into
// dist/cli/, one chunk per command loaded only when that command runs: a fresh process
// resolves a handful of files instead of hundreds. bin/charthouse.js runs it.
import { build } from "esbuild";
import { rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
rmSync(join(root, "dist/cli"), { recursive: true, force: true });
await build({
  entryPoints: [join(root, "src/cli/main.ts")],
  outdir: join(root, "dist/cli"),
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  legalComments: "none",
  // yaml's ES module build (the one it ships for browsers, plain ESM) instead of its CommonJS one:
  // bundled without the CommonJS wrappers and shaken, `charthouse plan` starts ~5 ms sooner.
  alias: { yaml: join(dirname(createRequire(import.meta.url).resolve("yaml/package.json")), "browser/index.js") },
  logLevel: "warning",
  banner: {
    js:
      'import { createRequire as __charthouseRequire } from "node:module"; const require = ' +
      "__charthouseRequire(import.meta.url);",
  },
});
