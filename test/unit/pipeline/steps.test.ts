import { describe, expect, it } from "vitest";
import { describeStep, planSteps, type Step } from "../../../src/pipeline/index.js";
import { chart, config, image, state } from "../../kit/builders.js";
import { mustPlan } from "../../kit/plan-assertions.js";

const cfg = config({
  images: [image("hyrax-base", { smoke: undefined }), image("dassie"), image("dassie-worker")],
  test: { image: "dassie", command: ["rspec"], env: {}, services: [{ name: "solr", image: "dassie", port: 8983, env: {}, readyTimeoutSeconds: 60 }], caches: ["/usr/local/bundle"] },
  charts: [chart("hyrax", "3.7.4", { pins: [{ image: "dassie", tag: "image.tag" }] }), chart("updater", "0.1.0")],
});
const label = (s: Step): string =>
  `${s.kind}:${"image" in s ? s.image.name : "chart" in s ? s.chart.name : `${s.move.repository.split("/").pop()}:${s.move.alias}`}`;

describe("steps in the order every executor walks", () => {
  it("release: gates, then immutable pushes, then aliases", () => {
    const steps = planSteps(mustPlan({ kind: "release", tag: "v5.0.1" }, state().build(), cfg));
    expect(steps.map(label)).toEqual([
      "build:hyrax-base", "build:dassie", "build:dassie-worker",
      "smoke:dassie", "smoke:dassie-worker",
      "test:dassie",
      "chart-deps:hyrax", "lint:hyrax", "template:hyrax",
      "chart-deps:updater", "lint:updater", "template:updater",
      "push-image:hyrax-base", "push-image:dassie", "push-image:dassie-worker",
      "package-chart:hyrax", "push-chart:hyrax", "package-chart:updater", "push-chart:updater",
      "move-alias:hyrax-base:5.0", "move-alias:hyrax-base:5", "move-alias:hyrax-base:latest",
      "move-alias:dassie:5.0", "move-alias:dassie:5", "move-alias:dassie:latest",
      "move-alias:dassie-worker:5.0", "move-alias:dassie-worker:5", "move-alias:dassie-worker:latest",
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

  it("describes each step in one line", () => {
    const lines = planSteps(mustPlan({ kind: "nightly" }, state().build(), cfg)).map(describeStep);
    expect(lines).toContain("push ghcr.io/samvera/charts/hyrax:3.7.4-nightly.20261124");
    expect(lines).toContain("move ghcr.io/samvera/dassie:nightly → nightly-20261124");
    expect(lines.every((l) => !l.includes("\n"))).toBe(true);
  });
});
