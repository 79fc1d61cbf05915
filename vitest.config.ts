import { defineConfig } from "vitest/config";

/**
 * The pure suites live under test/unit: no Docker engine, registry, helm or root (`npm run test:unit`, seconds).
 * Everything under test/integration starts real registries, dockerd and helm. The folder decides, not a list:
 * test/unit/project/suites.test.ts checks that every suite sits in one of the two and that no unit suite
 * reaches for that infrastructure.
 */
export const UNIT = ["test/unit/**/*.test.ts"];
export const INTEGRATION = ["test/integration/**/*.test.ts"];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    // GitHub's workflow parser imports JSON in a way Node's loader needs vite's help with.
    server: { deps: { inline: ["@actions/workflow-parser"] } },
    projects: [
      { extends: true, test: { name: "unit", include: UNIT } },
      {
        extends: true,
        // Integration suites start real registries, dockerd and helm: one Docker engine for the whole run.
        test: { name: "integration", include: INTEGRATION, globalSetup: ["test/integration/global-setup.ts"] },
      },
    ],
  },
});
