import { describe, expect, it } from "vitest";
import {
  builderProblems,
  buildxPlatforms,
  chooseBuilder,
  platformProblems,
  dockerBuildArgs,
  dockerRunArgs,
  platformTag,
  primaryPlatform,
} from "../../../../src/engines/docker/index.js";
import type { ImagePlan } from "../../../../src/plan/index.js";
import { joined } from "../../../kit/regex.js";

const image = (platforms: string[]): ImagePlan => ({
  name: "dassie",
  repository: "ghcr.io/samvera/dassie",
  tag: "5.0.1",
  build: { context: ".", dockerfile: "Dockerfile", target: "dassie", buildArgs: { APP_PATH: "/app" }, platforms },
  labels: { "org.opencontainers.image.revision": "abc" },
  publication: { action: "push" },
});

describe("the docker argument lists", () => {
  it("build: target, build args, labels, tags; the platform named on BuildKit, and buildx loads the result", () => {
    const rest = [
      "--target",
      "dassie",
      "--build-arg",
      "APP_PATH=/app",
      "--label",
      "org.opencontainers.image.revision=abc",
      "--tag",
      "ghcr.io/samvera/dassie:5.0.1",
      "/p",
    ];
    const tags = ["ghcr.io/samvera/dassie:5.0.1"];
    expect(
      dockerBuildArgs(image(["linux/amd64"]), { root: "/p", builder: "classic", platform: "linux/amd64", tags }),
    ).toEqual(["build", "--file", "/p/Dockerfile", ...rest]);
    expect(
      dockerBuildArgs(image(["linux/amd64"]), { root: "/p", builder: "buildkit", platform: "linux/amd64", tags }),
    ).toEqual(["build", "--file", "/p/Dockerfile", "--platform", "linux/amd64", ...rest]);
    expect(
      dockerBuildArgs(image(["linux/arm64"]), {
        root: "/p",
        builder: "buildx",
        platform: "linux/arm64",
        tags: [...tags, "x:y"],
      }),
    ).toEqual([
      "buildx",
      "build",
      "--load",
      "--file",
      "/p/Dockerfile",
      "--platform",
      "linux/arm64",
      ...rest.slice(0, -1),
      "--tag",
      "x:y",
      "/p",
    ]);
  });

  it("run: on the services' network, labelled, with env and cache volumes (a new volume seeded from the image)", () => {
    expect(
      dockerRunArgs("ch-1", "img:1", ["rspec"], {
        network: "ch-1-net1",
        env: { RAILS_ENV: "test" },
        caches: [{ path: "/usr/local/bundle", key: "k" }],
      }),
    ).toEqual([
      "run",
      "--rm",
      "--label",
      "dev.charthouse.run=ch-1",
      "--network",
      "ch-1-net1",
      "--mount",
      "type=volume,source=k,target=/usr/local/bundle",
      "--env",
      "RAILS_ENV=test",
      "img:1",
      "rspec",
    ]);
    // A smoke test has no network at all.
    expect(dockerRunArgs("ch-1", "img:1", ["true"])).toEqual([
      "run",
      "--rm",
      "--label",
      "dev.charthouse.run=ch-1",
      "--network",
      "none",
      "img:1",
      "true",
    ]);
    // The project's directory as a second label: `docker ps --filter label=dev.charthouse.project=$PWD`.
    expect(dockerRunArgs("ch-1", "img:1", ["true"], { project: "/src/hyrax" }).slice(2, 6)).toEqual([
      "--label",
      "dev.charthouse.run=ch-1",
      "--label",
      "dev.charthouse.project=/src/hyrax",
    ]);
  });

  it(
    "the builder: buildx where installed, the legacy client's BuildKit with DOCKER_BUILDKIT=1, classic when asked " +
      "for or nothing else is there",
    () => {
      expect(chooseBuilder(true, {})).toBe("buildx");
      expect(chooseBuilder(true, { DOCKER_BUILDKIT: "1" })).toBe("buildx");
      expect(chooseBuilder(false, { DOCKER_BUILDKIT: "1" })).toBe("buildkit");
      expect(chooseBuilder(false, { DOCKER_BUILDKIT: "true" })).toBe("buildkit");
      expect(chooseBuilder(false, {})).toBe("classic");
      expect(chooseBuilder(true, { DOCKER_BUILDKIT: "0" })).toBe("classic");
      expect(chooseBuilder(true, { DOCKER_BUILDKIT: "false" })).toBe("classic");
    },
  );

  it("refuses on the classic builder what it cannot build, with the fix: several platforms, another engine's", () => {
    expect(builderProblems([image(["linux/amd64"])], "classic", "linux/amd64", "28.2.2")).toEqual([]);
    const [multi] = builderProblems([image(["linux/amd64", "linux/arm64"])], "classic", "linux/amd64", "28.2.2");
    expect(multi).toMatch(
      joined(
        /^image dassie builds for linux\/amd64, linux\/arm64, but Docker's classic builder builds one platform: /,
        /install buildx as a Docker CLI plugin .* or with a Docker 18.09–22 client set DOCKER_BUILDKIT=1; or publish /,
        /it with `dagger call publish`$/,
      ),
    );
    expect(builderProblems([image(["linux/arm64"])], "classic", "linux/amd64", "20.10.24+dfsg1")[0]).toMatch(
      joined(
        /builds for linux\/arm64, but the Docker engine is linux\/amd64 and the classic builder builds only its /,
        /platform: install buildx/,
      ),
    );
    // BuildKit builds any platform: the others emulated.
    for (const builder of ["buildx", "buildkit"] as const)
      expect(
        builderProblems(
          [image(["linux/amd64", "linux/arm64"]), image(["linux/arm64"])],
          builder,
          "linux/amd64",
          "20.10.24+dfsg1",
        ),
      ).toEqual([]);
  });

  it("refuses DOCKER_BUILDKIT=1 without buildx on a Docker 23+ client, which would fail every build", () => {
    expect(builderProblems([image(["linux/amd64"])], "buildkit", "linux/amd64", "28.2.2")[0]).toMatch(
      joined(
        /the docker client \(28\.2\.2\) reaches it only through buildx, which is not installed: install buildx .*, or /,
        /unset DOCKER_BUILDKIT/,
      ),
    );
    expect(builderProblems([image(["linux/amd64"])], "buildkit", "linux/amd64", "22.06.0")).toEqual([]);
    expect(builderProblems([image(["linux/amd64"])], "buildx", "linux/amd64", "28.2.2")).toEqual([]);
  });

  it(
    "a multi-platform image: one engine-local tag per platform; the suite runs the engine's own platform where " +
      "built for it",
    () => {
      expect(platformTag(image(["linux/amd64", "linux/arm/v7"]), "linux/arm/v7")).toBe(
        "ghcr.io/samvera/dassie:5.0.1-linux-arm-v7",
      );
      expect(primaryPlatform(image(["linux/arm64", "linux/amd64"]), "linux/amd64")).toBe("linux/amd64");
      expect(primaryPlatform(image(["linux/arm64", "linux/arm/v7"]), "linux/amd64")).toBe("linux/arm64");
    },
  );

  it("refuses a platform BuildKit cannot run here (no emulator registered), with the fix", () => {
    const inspect =
      "Name: default\nDriver: docker\n\nNodes:\nName: default\nBuildKit version: v0.8+unknown\n" +
      "Platforms:        linux/amd64, linux/386\n";
    expect(buildxPlatforms(inspect)).toEqual(["linux/amd64", "linux/386"]);
    expect(buildxPlatforms("Platforms: linux/amd64*, linux/arm64")).toEqual(["linux/amd64", "linux/arm64"]);
    expect(buildxPlatforms("Name: default\n")).toBeUndefined();
    const [problem, ...more] = platformProblems(
      [image(["linux/amd64", "linux/arm64"]), image(["linux/amd64"])],
      ["linux/amd64", "linux/386"],
    );
    expect(more).toEqual([]);
    expect(problem).toMatch(
      joined(
        /^image dassie builds for linux\/arm64, which the engine's BuildKit cannot run \(it builds for linux\/amd64, /,
        /linux\/386\): register QEMU with binfmt_misc .*--install arm64\)$/,
      ),
    );
    expect(
      platformProblems([image(["linux/amd64", "linux/arm64"])], ["linux/amd64", "linux/386", "linux/arm64"]),
    ).toEqual([]);
  });
});
