import { describe, expect, it } from "vitest";
import { nightlyChartVersion } from "../../../src/plan/index.js";
import { config, COMMIT, image, state } from "../../kit/builders.js";
import { mustPlan, pushes } from "../../kit/plan-assertions.js";

const NIGHTLY = { kind: "nightly" } as const;

describe("nightly: images", () => {
  it("tags every image nightly-YYYYMMDD and moves the rolling nightly alias", () => {
    const plan = mustPlan(NIGHTLY, state().build(), config({ images: [image("hyrax-base"), image("dassie")] }));
    expect(pushes(plan)).toEqual({
      immutable: [
        "ghcr.io/samvera/hyrax-base:nightly-20261124",
        "ghcr.io/samvera/dassie:nightly-20261124",
        "ghcr.io/samvera/charts/hyrax:3.7.4-nightly.20261124",
      ],
      aliases: ["ghcr.io/samvera/hyrax-base:nightly", "ghcr.io/samvera/dassie:nightly"],
    });
    expect(plan.aliases.every((a) => a.from === "nightly-20261124" && a.rank.scheme === "nightly")).toBe(true);
  });

  it("expects the alias to hold what the registry showed at plan time", () => {
    const s = state()
      .tag("ghcr.io/samvera/dassie", "nightly", { digest: "sha256:" + "a".repeat(64) })
      .build();
    expect(mustPlan(NIGHTLY, s).aliases[0]).toMatchObject({ alias: "nightly", expect: "sha256:" + "a".repeat(64) });
  });

  it("labels images with source, revision, version and the commit's time", () => {
    const plan = mustPlan(NIGHTLY);
    expect(plan.images[0]!.labels).toEqual({
      "org.opencontainers.image.source": "https://github.com/samvera/hyrax",
      "org.opencontainers.image.revision": COMMIT,
      "org.opencontainers.image.version": "nightly-20261124",
      "org.opencontainers.image.created": "2026-11-23T18:00:00Z",
    });
  });
});

describe("nightly: chart version sorts above every release", () => {
  it.each([
    {
      name: "nothing published: Chart.yaml's version",
      chart: "3.7.4",
      published: [],
      expected: "3.7.4-nightly.20261124",
    },
    {
      name: "Chart.yaml already released: next patch",
      chart: "3.7.4",
      published: ["3.7.4"],
      expected: "3.7.5-nightly.20261124",
    },
    {
      name: "Chart.yaml behind the registry: next patch of the highest",
      chart: "3.7.4",
      published: ["3.7.4", "3.8.2", "3.8.10"],
      expected: "3.8.11-nightly.20261124",
    },
    {
      name: "Chart.yaml ahead of the registry: its own version",
      chart: "4.0.0",
      published: ["3.8.2"],
      expected: "4.0.0-nightly.20261124",
    },
    {
      name: "earlier nightlies and prereleases do not count as releases",
      chart: "3.7.4",
      published: ["3.7.4", "3.7.5-nightly.20261120", "3.9.0-rc.1"],
      expected: "3.7.5-nightly.20261124",
    },
    {
      name: "a prerelease in Chart.yaml takes its core as base",
      chart: "3.8.0-rc.1",
      published: ["3.7.4"],
      expected: "3.8.0-nightly.20261124",
    },
    {
      name: "build-metadata tags (as helm writes them) count",
      chart: "1.0.0",
      published: ["1.0.0_build.7"],
      expected: "1.0.1-nightly.20261124",
    },
  ])("$name", ({ chart, published, expected }) => {
    expect(nightlyChartVersion(chart, published, "20261124")).toBe(expected);
  });

  it("sets appVersion to the nightly image tag and pins that tag into values", () => {
    const plan = mustPlan(NIGHTLY);
    expect(plan.charts[0]).toMatchObject({
      version: "3.7.4-nightly.20261124",
      appVersion: "nightly-20261124",
      pushTo: "oci://ghcr.io/samvera/charts",
      repository: "ghcr.io/samvera/charts/hyrax",
    });
    expect(plan.charts[0]!.pins).toEqual([
      {
        image: "dassie",
        repository: "ghcr.io/samvera/dassie",
        tag: "nightly-20261124",
        keys: { repository: "image.repository", tag: "image.tag", digest: "image.digest" },
      },
    ]);
    expect(plan.charts[0]!.annotations["org.opencontainers.image.version"]).toBe("3.7.4-nightly.20261124");
  });
});
