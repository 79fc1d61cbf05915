import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Integration suites start real registries, dockerd and helm: give them room.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    globalSetup: ["test/global-setup.ts"],
    // GitHub's workflow parser imports JSON in a way Node's loader needs vite's help with.
    server: { deps: { inline: ["@actions/workflow-parser"] } },
  },
});
