import { defineConfig } from "vitest/config";
import { UNIT } from "./vitest.config.js";

/** The pure suites alone, for Stryker (`npm run mutation`): no Docker, no registry, no global setup. */
export default defineConfig({
  test: {
    include: UNIT,
    // Suites that run tools over the whole tree, not the mutated modules: they only slow every mutant down.
    exclude: ["test/module-bundle.test.ts", "test/walls.test.ts", "test/suites.test.ts", "test/ci-files.test.ts", "test/updater-cluster.test.ts", "test/json-output.test.ts", "test/install.test.ts"],
    testTimeout: 60_000,
    pool: "forks",
    server: { deps: { inline: ["@actions/workflow-parser"] } },
  },
});
