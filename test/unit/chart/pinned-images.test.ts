import { projectFilesInMemory } from "../../kit/project-files-in-memory.js";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { chartStage, PINNED_IMAGES_ANNOTATION } from "../../../src/chart/index.js";

import { chart, config, digestOf, image, state } from "../../kit/builders.js";
import { mustPlan } from "../../kit/plan-assertions.js";

// The chart names the images it pins by digest in an annotation, which helm carries into
// its OCI manifest: what the updater checks the signatures of before it installs.
const cfg = config({
  images: [image("dassie"), image("worker")],
  charts: [
    chart("hyrax", "3.7.4", {
      pins: [
        { image: "dassie", tag: "image.tag", digest: "image.digest" },
        { image: "worker", tag: "worker.tag", digest: "worker.digest" },
      ],
    }),
  ],
});
const files = projectFilesInMemory({
  "chart/hyrax/Chart.yaml": "apiVersion: v2\nname: hyrax\nversion: 0.0.0\n",
  "chart/hyrax/values.yaml": "image: {}\n",
});
const annotations = async (digests: Map<string, string>) => {
  const plan = mustPlan({ kind: "nightly" }, state().build(), cfg);
  const stage = await chartStage(plan.charts[0]!, files, digests);
  return (parse(stage.files["chart/hyrax/Chart.yaml"]!) as { annotations: Record<string, string> }).annotations;
};

describe("the pinned-images annotation", () => {
  it("names every pinned image by repository, tag and digest once the digests are known", async () => {
    const a = await annotations(
      new Map([
        ["dassie", digestOf("dassie")],
        ["worker", digestOf("worker")],
      ]),
    );
    expect(a[PINNED_IMAGES_ANNOTATION]).toBe(
      `ghcr.io/samvera/dassie:nightly-20261124@${digestOf("dassie")},` +
        `ghcr.io/samvera/worker:nightly-20261124@${digestOf("worker")}`,
    );
    expect(a["org.opencontainers.image.revision"]).toBeDefined();
  });
  it("is absent while no digest is known (the gates' staging, before the pushes)", async () => {
    expect((await annotations(new Map()))[PINNED_IMAGES_ANNOTATION]).toBeUndefined();
  });
});
