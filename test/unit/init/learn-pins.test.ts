import { describe, expect, it } from "vitest";
import { learnPins } from "../../../src/init/learn-pins.js";
import { tempTree } from "../../kit/temp-dir.js";

const images = [
  { name: "dassie", repository: "dassie" },
  { name: "worker", repository: "apps/worker" },
];

describe("pins from a chart's values", () => {
  it(
    "a key naming a published image becomes a pin, with digest when the chart has one; registry-and-repository keys " +
      "pin tag and digest only",
    () => {
      const root = tempTree({
        "chart/values.yaml": `image:
  repository: ghcr.io/samvera/hyrax/dassie
  tag: ""
  digest: ""
jobs:
  worker:
    image:
      registry: ghcr.io
      repository: samvera/hyrax/apps/worker
      tag: "1.0"
solr:
  image:
    repository: bitnami/solr
    tag: "8"
old:
  image:
    repository: ghcr.io/samvera/hyrax/dassie-worker
    tag: ""
untagged:
  repository: ghcr.io/samvera/hyrax/dassie
`,
      });
      const { pins, stale } = learnPins(root, "chart", "ghcr.io/samvera/hyrax", images);
      expect(pins).toEqual([
        {
          image: "dassie",
          repository: "image.repository",
          tag: "image.tag",
          digest: "image.digest",
          from: { file: "chart/values.yaml", line: 2 },
        },
        { image: "worker", tag: "jobs.worker.image.tag", from: { file: "chart/values.yaml", line: 8 } },
      ]);
      expect(stale).toEqual([
        "chart/values.yaml:17: old.image.repository names ghcr.io/samvera/hyrax/dassie-worker, which no workflow " +
          "publishes any more; not pinned",
      ]);
    },
  );

  it("a chart without values.yaml has no pins", () => {
    expect(learnPins(tempTree({}), "chart", "ghcr.io/x", images)).toEqual({ pins: [], stale: [] });
  });
});
