#!/usr/bin/env node
// `npm run generate`: rebuilds every generated artefact of the repository, in dependency order.
// `--check` rebuilds nothing and fails naming each stale one (test/unit/project/generated.test.ts).
// Each generator is one script, marked linguist-generated in .gitattributes with what it writes.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const tsx = join(root, "node_modules/tsx/dist/cli.mjs");

/**
 * What each generator writes, from what: the order matters (the module bundle holds the validator and the config
 * types).
 */
export const GENERATORS = [
  {
    writes: "src/config/schema-validator.generated.ts",
    from: "charthouse.schema.json",
    run: ["scripts/build-validator.mjs"],
  },
  {
    writes: "src/config/raw-config.generated.ts",
    from: "charthouse.schema.json",
    run: ["scripts/build-config-types.mjs"],
  },
  { writes: "schemas/*.schema.json", from: "src/cli/json-output.ts", run: ["scripts/build-schemas.mjs"] },
  {
    writes: ".circleci/config.yml, .github/workflows/charthouse.yml",
    from: "src/ci-files and charthouse.yaml (scripts/build-ci-files.ts)",
    run: [tsx, "scripts/build-ci-files.ts"],
  },
  {
    writes: "the exit-code tables of README.md and docs/sync.md",
    from: "src/exit-codes.ts",
    run: [tsx, "scripts/build-exit-codes.ts"],
    // Blocks within hand-written files: not linguist-generated.
    within: ["README.md", "docs/sync.md"],
  },
  {
    writes: "ci/lib/charthouse.js, ci/lib/charthouse.d.ts",
    from: "src/module-api.ts",
    run: ["scripts/build-module.mjs"],
  },
];

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes("--check");
  const failed = [];
  for (const generator of GENERATORS) {
    const done = spawnSync(process.execPath, [...generator.run, ...(check ? ["--check"] : [])], {
      cwd: root,
      encoding: "utf8",
    });
    if (done.status !== 0) failed.push(`${generator.writes}: ${(done.stderr || done.stdout).trim()}`);
    else if (!check) console.log(`generated ${generator.writes} from ${generator.from}`);
  }
  if (failed.length) {
    console.error(failed.join("\n"));
    process.exit(1);
  }
}
