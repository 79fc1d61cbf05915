import { defineConfig } from "vitest/config";

/**
 * The pure suites: no Docker engine, registry, helm or root (`npm run test:unit`, seconds).
 * test/suites.test.ts checks that none of them reaches for that infrastructure.
 */
export const UNIT = [
  "test/alias-race.test.ts",
  "test/chart-rewrite.test.ts",
  "test/ci-files.test.ts",
  "test/cli-plan.test.ts",
  "test/config.test.ts",
  "test/config-holes.test.ts",
  "test/config-details.test.ts",
  "test/config-messages.test.ts",
  "test/config-schema.test.ts",
  "test/config-exact.test.ts",
  "test/context.test.ts",
  "test/docker-args.test.ts",
  "test/git-objects.test.ts",
  "test/init.test.ts",
  "test/json-output.test.ts",
  "test/module-bundle.test.ts",
  "test/pipeline.test.ts",
  "test/plan-*.test.ts",
  "test/release-order.test.ts",
  "test/release-signing.test.ts",
  "test/run-graph.test.ts",
  "test/signing.test.ts",
  "test/pipeline-signing.test.ts",
  "test/suites.test.ts",
  "test/updater-cluster.test.ts",
  "test/updater-select.test.ts",
  "test/walls.test.ts",
];

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
        test: { name: "integration", include: ["test/**/*.test.ts"], exclude: UNIT, globalSetup: ["test/global-setup.ts"] },
      },
    ],
  },
});
