import { describe, expect, it } from "vitest";
import { planSteps } from "../../../src/pipeline/index.js";
import { aliasForBranch } from "../../../src/plan/index.js";
import { config, image, state } from "../../kit/builders.js";
import { mustPlan, pushes } from "../../kit/plan-assertions.js";

describe("push to the default branch", () => {
  it("publishes sha-<7 hex> and moves the branch alias, no chart", () => {
    const plan = mustPlan({ kind: "push", branch: "main" });
    expect(pushes(plan)).toEqual({
      immutable: ["ghcr.io/samvera/dassie:sha-1a2b3c4"],
      aliases: ["ghcr.io/samvera/dassie:main"],
    });
    expect(plan.charts[0]!.publication).toEqual({ action: "none" });
    expect(plan.aliases[0]!.rank).toEqual({ scheme: "commit-time", created: "2026-11-23T18:00:00Z" });
  });

  it("follows policy.defaultBranch", () => {
    const cfg = config({
      policy: { releaseTag: "v{version}", chartReleaseTag: "{chart}-chart-v{version}", defaultBranch: "release/5.x" },
    });
    expect(pushes(mustPlan({ kind: "push", branch: "release/5.x" }, state().build(), cfg)).aliases).toEqual([
      "ghcr.io/samvera/dassie:release-5.x",
    ]);
    expect(pushes(mustPlan({ kind: "push", branch: "main" }, state().build(), cfg))).toEqual({
      immutable: [],
      aliases: [],
    });
  });

  it.each([
    ["main", "main"],
    ["release/5.x", "release-5.x"],
    ["feat@{x}", "feat--x-"],
    ["-leading", "leading"],
  ])("branch %s is tagged %s", (branch, alias) => {
    expect(aliasForBranch(branch)).toBe(alias);
  });
});

describe("runs that publish nothing still run every gate", () => {
  it.each([
    {
      name: "pull request",
      event: { kind: "pull-request", number: 12 } as const,
      summary: "pull request #12 (gates only)",
    },
    {
      name: "push to another branch",
      event: { kind: "push", branch: "feature/x" } as const,
      summary: "push to feature/x (gates only: not the default branch)",
    },
    { name: "local run", event: { kind: "local" } as const, summary: /^local run \(gates only/ },
  ])("$name", ({ event, summary }) => {
    const cfg = config({
      images: [image("hyrax-base"), image("dassie")],
      test: {
        image: "dassie",
        command: ["rspec"],
        env: {},
        services: [{ name: "solr", image: "solr:8", port: 8983, env: {}, readyTimeoutSeconds: 60 }],
        caches: [],
      },
    });
    const plan = mustPlan(event, state().build(), cfg);
    expect(plan.summary).toMatch(summary);
    expect(pushes(plan)).toEqual({ immutable: [], aliases: [] });
    const steps = planSteps(plan);
    expect(steps.every((s) => s.phase === "gate")).toBe(true);
    expect(steps.map((s) => s.kind)).toEqual([
      "build",
      "build",
      "smoke",
      "smoke",
      "test",
      "chart-deps",
      "lint",
      "template",
    ]);
  });
});
