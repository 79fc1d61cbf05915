import { describe, expect, it } from "vitest";
import { describeStep, planSteps } from "../../../src/pipeline/index.js";
import { config, image, state, stepLabel, threeImageProject } from "../../kit/builders.js";
import { mustPlan } from "../../kit/plan-assertions.js";

const cfg = threeImageProject();
const label = stepLabel;

describe("steps in the order every executor walks", () => {
  it("release: gates, then immutable pushes, then aliases", () => {
    const steps = planSteps(mustPlan({ kind: "release", tag: "v5.0.1" }, state().build(), cfg));
    expect(steps.map(label)).toEqual([
      "build:hyrax-base",
      "build:dassie",
      "build:dassie-worker",
      "smoke:dassie",
      "smoke:dassie-worker",
      "test:dassie",
      "chart-deps:hyrax",
      "lint:hyrax",
      "template:hyrax",
      "chart-deps:updater",
      "lint:updater",
      "template:updater",
      "push-image:hyrax-base",
      "push-image:dassie",
      "push-image:dassie-worker",
      "package-chart:hyrax",
      "push-chart:hyrax",
      "package-chart:updater",
      "push-chart:updater",
      "move-alias:hyrax-base:5.0",
      "move-alias:hyrax-base:5",
      "move-alias:hyrax-base:latest",
      "move-alias:dassie:5.0",
      "move-alias:dassie:5",
      "move-alias:dassie:latest",
      "move-alias:dassie-worker:5.0",
      "move-alias:dassie-worker:5",
      "move-alias:dassie-worker:latest",
    ]);
  });

  it.each([
    { kind: "nightly" } as const,
    { kind: "release", tag: "v5.0.1" } as const,
    { kind: "push", branch: "main" } as const,
  ])("$kind: no publish before the last gate, no alias before the last publish", (event) => {
    const phases = planSteps(mustPlan(event, state().build(), cfg)).map((s) => s.phase);
    const lastGate = phases.lastIndexOf("gate");
    const firstPublish = phases.indexOf("publish");
    expect(lastGate).toBeLessThan(firstPublish === -1 ? Infinity : firstPublish);
    expect(phases.lastIndexOf("publish")).toBeLessThan(phases.indexOf("alias"));
  });

  it("the services a test names by image run the image this run built", () => {
    const plan = mustPlan({ kind: "nightly" }, state().build(), cfg);
    expect(plan.test?.services[0]!.image).toBe("ghcr.io/samvera/dassie:nightly-20261124");
  });

  it("keys the test's cache volumes by registry and path only: the same every run", () => {
    const a = mustPlan({ kind: "nightly" }, state().build(), cfg).test!.caches;
    const b = mustPlan({ kind: "release", tag: "v5.0.1" }, state().build(), cfg).test!.caches;
    expect(a).toEqual([{ path: "/usr/local/bundle", key: "charthouse-ghcr.io-samvera-usr-local-bundle" }]);
    expect(b).toEqual(a);
  });

  it("smoke-tests a multi-platform image once per platform, naming the platform", () => {
    const multi = config({
      images: [image("dassie", { platforms: ["linux/amd64", "linux/arm64"] })],
      test: { ...cfg.test!, services: [] },
    });
    const smokes = planSteps(mustPlan({ kind: "nightly" }, state().build(), multi)).filter((s) => s.kind === "smoke");
    expect(smokes.map((s) => s.platform)).toEqual(["linux/amd64", "linux/arm64"]);
    expect(smokes.map(describeStep)).toEqual([
      "smoke-test dassie on linux/amd64: true",
      "smoke-test dassie on linux/arm64: true",
    ]);
    // One platform: the line reads as it always did.
    expect(
      describeStep(planSteps(mustPlan({ kind: "nightly" }, state().build(), cfg)).find((s) => s.kind === "smoke")!),
    ).toBe("smoke-test dassie: true");
  });

  it("describes each step in one line", () => {
    const lines = planSteps(mustPlan({ kind: "nightly" }, state().build(), cfg)).map(describeStep);
    expect(lines).toContain("push ghcr.io/samvera/charts/hyrax:3.7.4-nightly.20261124");
    expect(lines).toContain("move ghcr.io/samvera/dassie:nightly → nightly-20261124");
    expect(lines.every((l) => !l.includes("\n"))).toBe(true);
  });
});
