import { describe, expect, it } from "vitest";
import { BakeProgress, bakePlan, bakes, commonDirectory } from "../../../../src/engines/docker/bake.js";
import type { ImagePlan } from "../../../../src/plan/index.js";

const image = (name: string, platforms: string[], context = "."): ImagePlan => ({
  name,
  repository: `ghcr.io/samvera/${name}`,
  tag: "5.0.1",
  build: { context, dockerfile: "docker/Dockerfile", target: name, buildArgs: { APP_PATH: "/app" }, platforms },
  labels: { "org.opencontainers.image.revision": "abc" },
  publication: { action: "push" },
});

describe("the run's bake definition", () => {
  it("has a target per image and platform, each loaded into the engine under its tags with its labels", () => {
    const web = image("dassie", ["linux/amd64", "linux/arm64"]);
    const worker = image("dassie-worker", ["linux/amd64"]);
    const plan = bakePlan(
      [
        { image: web, platform: "linux/amd64", tags: ["r/dassie:5.0.1-linux-amd64", "r/dassie:5.0.1"] },
        { image: web, platform: "linux/arm64", tags: ["r/dassie:5.0.1-linux-arm64"] },
        { image: worker, platform: "linux/amd64", tags: ["r/dassie-worker:5.0.1"] },
      ],
      "/p",
    );
    expect(plan.definition.group.default.targets).toEqual([
      "dassie-linux-amd64",
      "dassie-linux-arm64",
      "dassie-worker-linux-amd64",
    ]);
    expect(plan.definition.target["dassie-linux-arm64"]).toEqual({
      context: "/p",
      dockerfile: "/p/docker/Dockerfile",
      target: "dassie",
      platforms: ["linux/arm64"],
      args: { APP_PATH: "/app" },
      labels: { "org.opencontainers.image.revision": "abc" },
      tags: ["r/dassie:5.0.1-linux-arm64"],
      output: ["type=docker"],
    });
    expect(plan.definition.target["dassie-linux-amd64"]!.tags).toEqual([
      "r/dassie:5.0.1-linux-amd64",
      "r/dassie:5.0.1",
    ]);
    expect(plan.targets.get("dassie-worker-linux-amd64")).toMatchObject({ image: worker, platform: "linux/amd64" });
    expect(plan.cwd).toBe("/p");
  });

  it("names targets bake accepts, each once, and runs where every context and Dockerfile is inside", () => {
    const odd = image("web.v2", ["linux/arm/v7"], "..");
    const plan = bakePlan(
      [
        { image: odd, platform: "linux/arm/v7", tags: ["a"] },
        { image: { ...odd, name: "web-v2" }, platform: "linux/arm/v7", tags: ["b"] },
      ],
      "/src/p",
    );
    expect([...plan.targets.keys()]).toEqual(["web-v2-linux-arm-v7", "web-v2-linux-arm-v7-2"]);
    // The context climbs out of the project: buildx reads only below its working directory without `--allow`.
    expect(plan.cwd).toBe("/src");
    expect(commonDirectory(["/a/b/c", "/a/b", "/a/bc/d"])).toBe("/a");
    expect(commonDirectory(["/x/y", "/z"])).toBe("/");
  });

  it("is what buildx 0.12 and later run (their progress comes as JSON lines)", () => {
    expect(bakes("github.com/docker/buildx v0.38.2 4e3a8d1")).toBe(true);
    expect(bakes("github.com/docker/buildx v0.12.0 542e5d8")).toBe(true);
    expect(bakes("github.com/docker/buildx 1.0.0")).toBe(true);
    expect(bakes("github.com/docker/buildx v0.11.2 9872040")).toBe(false);
    expect(bakes("")).toBe(false);
  });
});

const line = (status: object) => `${JSON.stringify(status)}\n`;
const b64 = (text: string) => Buffer.from(text).toString("base64");

describe("bake's progress, read as it comes", () => {
  it("says a target is built as soon as its export completed, before bake ends, and shared steps are each's", () => {
    const progress = new BakeProgress(new Set(["web-linux-amd64", "worker-linux-amd64"]));
    expect(
      progress.feed(
        line({ vertexes: [{ digest: "sha256:0", name: "[internal] load local bake definitions", completed: "t" }] }) +
          line({ vertexes: [{ digest: "sha256:1", name: "[web-linux-amd64 base 2/2] RUN make", started: "t" }] }) +
          line({ vertexes: [{ digest: "sha256:1", name: "[worker-linux-amd64 base 2/2] RUN make", started: "t" }] }),
      ),
    ).toEqual({ built: [], failed: [] });
    // A line split across chunks is read once whole.
    const exported = line({
      vertexes: [{ digest: "sha256:2", name: "[web-linux-amd64] exporting to image", started: "t", completed: "t" }],
    });
    expect(
      progress.feed(line({ logs: [{ vertex: "sha256:1", data: b64("compiled\n") }] }) + exported.slice(0, 20)),
    ).toEqual({ built: [], failed: [] });
    expect(progress.feed(exported.slice(20))).toEqual({ built: ["web-linux-amd64"], failed: [] });
    // Said once, however often bake repeats the step.
    expect(progress.feed(exported)).toEqual({ built: [], failed: [] });
    expect(progress.output("worker-linux-amd64")).toBe("[worker-linux-amd64 base 2/2] RUN make\ncompiled");
  });

  it("says which target failed, with its steps, their output, the error and bake's own message", () => {
    const progress = new BakeProgress(new Set(["ok-linux-amd64", "bad-linux-amd64"]));
    const news = progress.feed(
      line({ vertexes: [{ digest: "sha256:a", name: "[bad-linux-amd64 bad 2/2] RUN ./test", started: "t" }] }) +
        line({ logs: [{ vertex: "sha256:a", stream: 1, data: b64("broken-output\n") }] }) +
        line({
          vertexes: [
            {
              digest: "sha256:a",
              name: "[bad-linux-amd64 bad 2/2] RUN ./test",
              completed: "t",
              error: "executor failed running [/bin/sh -c ./test]: exit code: 3",
            },
          ],
        }) +
        line({ vertexes: [{ digest: "sha256:b", name: "[bad-linux-amd64] exporting to image", completed: "t" }] }) +
        "ERROR: target bad-linux-amd64: failed to solve: exit code: 3\n",
    );
    expect(news).toEqual({ built: [], failed: ["bad-linux-amd64"] });
    expect(progress.output("bad-linux-amd64").split("\n")).toEqual([
      "[bad-linux-amd64 bad 2/2] RUN ./test",
      "broken-output",
      "ERROR: executor failed running [/bin/sh -c ./test]: exit code: 3",
      "[bad-linux-amd64] exporting to image",
      "ERROR: target bad-linux-amd64: failed to solve: exit code: 3",
    ]);
    expect(progress.output("ok-linux-amd64")).toBe("ERROR: target bad-linux-amd64: failed to solve: exit code: 3");
  });
});
