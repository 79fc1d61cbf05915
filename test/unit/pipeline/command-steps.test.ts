import { describe, expect, it } from "vitest";
import { commandSteps, describeStep, planSteps, type Step } from "../../../src/pipeline/index.js";
import { shellQuote } from "../../../src/exec/shell-quote.js";
import { COMMIT, config, state, twoImageProject } from "../../kit/builders.js";
import { mustPlan } from "../../kit/plan-assertions.js";

const DASSIE = "ghcr.io/samvera/dassie";
const cfg = twoImageProject();

describe("the steps of each command", () => {
  const plan = mustPlan({ kind: "nightly" }, state().build(), cfg);
  const kinds = (steps: Step[]) =>
    steps.map((s) => `${s.kind}:${"image" in s ? s.image.name : "chart" in s ? s.chart.name : s.move.alias}`);

  it.each([
    ["publish", planSteps(plan).map((s) => s.kind)],
    ["build", ["build", "build"]],
    ["test", ["build", "build", "smoke", "test"]],
    ["lint", ["chart-deps", "lint", "template"]],
    ["package", ["chart-deps", "lint", "template", "package-chart"]],
  ] as const)("%s", (command, expected) => {
    expect(commandSteps(command, plan).map((s) => s.kind)).toEqual(expected);
  });

  it("build --name picks one image, and names the choices for an unknown one", () => {
    expect(kinds(commandSteps("build", plan, { image: "dassie" }))).toEqual(["build:dassie"]);
    expect(() => commandSteps("build", plan, { image: "dasie" })).toThrow(
      "charthouse.yaml has no image named dasie: choose one of hyrax-base, dassie",
    );
    const bare = mustPlan({ kind: "nightly" }, state().build(), config({ images: [], test: undefined }));
    expect(() => commandSteps("build", bare, { image: "dassie" })).toThrow(
      "charthouse.yaml has no image named dassie: choose one of (none)",
    );
  });

  it("a publishing run with everything already published has no step; a pull request has every gate", () => {
    const done = state()
      .tag(`${DASSIE}`, "nightly-20261124", { revision: COMMIT })
      .tag("ghcr.io/samvera/hyrax-base", "nightly-20261124", { revision: COMMIT })
      .tag("ghcr.io/samvera/charts/hyrax", "3.7.4-nightly.20261124", { revision: COMMIT });
    const rerun = mustPlan(
      { kind: "nightly" },
      done.tag(DASSIE, "nightly", { digest: "sha256:" + "0".repeat(64), revision: COMMIT }).build(),
      cfg,
    );
    // Only the alias is left to move: it is still a publishing step.
    expect(
      planSteps(rerun)
        .map((s) => s.kind)
        .filter(
          (k) =>
            k !== "build" && k !== "smoke" && k !== "test" && k !== "chart-deps" && k !== "lint" && k !== "template",
        ),
    ).toEqual(["move-alias", "move-alias"]);
    expect(
      planSteps(mustPlan({ kind: "pull-request", number: 7 }, state().build(), cfg)).every((s) => s.phase === "gate"),
    ).toBe(true);
  });

  it("describes each step in one line", () => {
    const steps = planSteps(mustPlan({ kind: "release", tag: "v5.0.1" }, state().build(), cfg));
    const line = (kind: Step["kind"]) => describeStep(steps.find((s) => s.kind === kind)!);
    expect(line("build")).toBe("build hyrax-base (default target) as ghcr.io/samvera/hyrax-base:5.0.1");
    expect(line("smoke")).toBe("smoke-test dassie: true");
    expect(line("test")).toBe("test in dassie with solr: rspec --tag 'not fast'");
    expect(line("chart-deps")).toBe("helm dependency build chart/hyrax");
    expect(line("lint")).toBe("helm lint --strict hyrax");
    expect(line("template")).toBe("helm template hyrax with pinned images");
    expect(line("push-image")).toBe("push ghcr.io/samvera/hyrax-base:5.0.1");
    expect(line("package-chart")).toBe("package hyrax 3.7.4 (appVersion 5.0.1)");
    expect(line("push-chart")).toBe("push ghcr.io/samvera/charts/hyrax:3.7.4");
    expect(line("move-alias")).toBe("move ghcr.io/samvera/hyrax-base:5.0 → 5.0.1");
    const noServices = planSteps(
      mustPlan(
        { kind: "nightly" },
        state().build(),
        config({ test: { ...cfg.test!, services: [] }, images: cfg.images }),
      ),
    );
    expect(describeStep(noServices.find((s) => s.kind === "test")!)).toBe(
      "test in dassie with no services: rspec --tag 'not fast'",
    );
  });

  it("quotes arguments for a shell only where it must", () => {
    expect(shellQuote(["sh", "-c", "it's", "a/b:c,d@e%f+g=h.i_j-k"])).toBe("sh -c 'it'\\''s' a/b:c,d@e%f+g=h.i_j-k");
    expect(shellQuote([""])).toBe("''");
  });
});
