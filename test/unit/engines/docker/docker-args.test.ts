import { describe, expect, it } from "vitest";
import { dockerBuildArgs, dockerRunArgs, dockerRunnerProblems } from "../../../../src/engines/docker/index.js";
import type { ImagePlan } from "../../../../src/plan/index.js";

const image = (platforms: string[]): ImagePlan => ({
  name: "dassie",
  repository: "ghcr.io/samvera/dassie",
  tag: "5.0.1",
  build: { context: ".", dockerfile: "Dockerfile", target: "dassie", buildArgs: { APP_PATH: "/app" }, platforms },
  labels: { "org.opencontainers.image.revision": "abc" },
  publication: { action: "push" },
});

describe("the docker argument lists", () => {
  it("build: target, build args, labels, tag; through buildx --load when BuildKit is there", () => {
    const classic = ["--file", "/p/Dockerfile", "--target", "dassie", "--build-arg", "APP_PATH=/app", "--label", "org.opencontainers.image.revision=abc", "--tag", "ghcr.io/samvera/dassie:5.0.1", "/p"];
    expect(dockerBuildArgs(image(["linux/amd64"]), { root: "/p" })).toEqual(["build", ...classic]);
    expect(dockerBuildArgs(image(["linux/amd64"]), { root: "/p", buildx: true })).toEqual(["buildx", "build", "--load", ...classic]);
  });

  it("run: on the services' network, labelled, with env and cache volumes (Docker seeds a new volume from the image)", () => {
    expect(dockerRunArgs("ch-1", "img:1", ["rspec"], { network: "ch-1-net1", env: { RAILS_ENV: "test" }, caches: [{ path: "/usr/local/bundle", key: "k" }] })).toEqual([
      "run", "--rm", "--label", "dev.charthouse.run=ch-1", "--network", "ch-1-net1", "--mount", "type=volume,source=k,target=/usr/local/bundle", "--env", "RAILS_ENV=test", "img:1", "rspec",
    ]);
    // A smoke test has no network at all.
    expect(dockerRunArgs("ch-1", "img:1", ["true"])).toEqual(["run", "--rm", "--label", "dev.charthouse.run=ch-1", "--network", "none", "img:1", "true"]);
  });

  it("refuses what the Docker runner cannot build: several platforms, or another engine's", () => {
    expect(dockerRunnerProblems([image(["linux/amd64"])], "linux/amd64")).toEqual([]);
    expect(dockerRunnerProblems([image(["linux/amd64", "linux/arm64"])], "linux/amd64")[0]).toMatch(/builds for linux\/amd64, linux\/arm64: the Docker runner builds one platform; publish it with `dagger call publish`/);
    expect(dockerRunnerProblems([image(["linux/arm64"])], "linux/amd64")[0]).toMatch(/but the Docker engine is linux\/amd64/);
  });
});
