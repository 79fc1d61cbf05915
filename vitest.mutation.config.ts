import { defineConfig } from "vitest/config";
import { UNIT } from "./vitest.config.js";

/** The pure suites alone, for Stryker (`npm run mutation`): no Docker, no registry, no global setup. */
export default defineConfig({
  test: {
    include: UNIT,
    // Suites that run tools over the whole tree, not the mutated modules: they only slow every mutant down.
    exclude: [
      "test/unit/module/module-bundle.test.ts",
      "test/unit/project/generated.test.ts",
      "test/unit/project/walls.test.ts",
      "test/unit/project/suites.test.ts",
      "test/unit/ci-files/ci-files.test.ts",
      "test/unit/updater/cluster.test.ts",
      "test/unit/cli/json-output.test.ts",
    ],
    testTimeout: 60_000,
    pool: "forks",
    server: { deps: { inline: ["@actions/workflow-parser"] } },
  },
});
