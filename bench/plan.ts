import { createHash } from "node:crypto";
import semver from "semver";
import { DEFAULT_POLICY, type Config } from "../src/config/index.js";
import { planSteps } from "../src/pipeline/index.js";
import { planRelease } from "../src/plan/index.js";
import type { RegistryState, TagRecord } from "../src/registry/index.js";
import { measure, report } from "./measure.js";

const COMMIT = "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d";

/** 50 images, 20 charts each pinning an image, against 10,000 published tags. */
function workload(): { config: Config; state: RegistryState; tagCount: number } {
  const images = Array.from({ length: 50 }, (_, i) => ({
    name: `image-${i}`,
    repository: `image-${i}`,
    context: "/p",
    dockerfile: "/p/Dockerfile",
    target: `image-${i}`,
    buildArgs: {},
    platforms: ["linux/amd64"],
    smoke: ["true"],
  }));
  const charts = Array.from({ length: 20 }, (_, i) => ({
    path: `/p/chart/c${i}`,
    relativePath: `chart/c${i}`,
    name: `c${i}`,
    version: "9.9.9",
    repository: "charts",
    pins: [{ image: `image-${i}`, tag: "image.tag", digest: "image.digest" }],
  }));
  const repositories: Record<string, Record<string, TagRecord>> = {};
  const repoNames = [
    ...images.map((i) => `ghcr.io/bench/${i.repository}`),
    ...charts.map((c) => `ghcr.io/bench/charts/${c.name}`),
  ];
  let tagCount = 0;
  for (let n = 0; n < 10_000; n++) {
    const repo = repoNames[n % repoNames.length]!;
    const k = Math.floor(n / repoNames.length);
    // A mix like a real registry: releases, prereleases, nightlies and aliases.
    const tag =
      k % 4 === 0
        ? `${1 + (k % 7)}.${k % 13}.${k}`
        : k % 4 === 1
          ? `${k % 5}.0.0-rc.${k}`
          : k % 4 === 2
            ? `nightly-2026${String(1 + (k % 12)).padStart(2, "0")}${String(1 + (k % 28)).padStart(2, "0")}`
            : `sha-${k.toString(16).padStart(7, "0")}`;
    (repositories[repo] ??= {})[tag] = {
      digest: `sha256:${createHash("sha256").update(`${repo}:${tag}`).digest("hex")}`,
      revision: "f".repeat(40),
    };
    tagCount++;
  }
  const config: Config = {
    file: "/p/charthouse.yaml",
    root: "/p",
    registry: "ghcr.io/bench",
    plainHttp: false,
    images,
    charts,
    policy: DEFAULT_POLICY,
  };
  return { config, state: { repositories }, tagCount };
}

export function benchPlan(): void {
  const { config, state, tagCount } = workload();
  const context = {
    event: { kind: "release", tag: "v10.0.0" } as const,
    commit: COMMIT,
    date: "2026-11-24",
    created: "2026-11-24T00:00:00Z",
    ci: "local" as const,
  };
  const plan = measure(() => {
    const result = planRelease({ config, context, state });
    if (!result.ok) throw new Error(result.refusals.join("; "));
    planSteps(result.plan);
  });
  // Reference: just parsing every tag as semver once, the floor any planner pays.
  const allTags = Object.values(state.repositories).flatMap((r) => Object.keys(r));
  const floor = measure(() => {
    for (const t of allTags) semver.valid(t);
  });
  report(
    "plan: 50 images, 20 charts, " + tagCount + " tags",
    [
      { name: "planRelease + planSteps", ms: plan },
      { name: "reference: semver.valid over every tag", ms: floor },
    ],
    { target: { name: "budget", ms: 100 } },
  );
}
