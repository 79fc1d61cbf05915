import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, inject, it, onTestFinished } from "vitest";
import { BASE_IMAGE } from "../../../kit/index.js";
import { readTag, RegistryClient } from "../../../../src/registry/index.js";
import { toolEnvironment } from "../../../../src/engines/docker/tool-env.js";
import { CANARY, creds, useCanaryRegistry } from "../../../kit/registry-content.js";
import { filesContaining, tempTree } from "../../../kit/temp-dir.js";

const EXAMPLE = new URL("../../../../examples/hyrax/", import.meta.url).pathname;
const COMMIT = "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d";
const ci = creds("ci", CANARY);

const canaryRegistry = useCanaryRegistry();

describe("the real Docker engine", () => {
  it(
    "builds the example's dassie target from the local busybox base, runs it, pushes it without writing the " +
      "password anywhere",
    async () => {
      const work = tempTree();
      const env = {
        ...toolEnvironment(join(work, "tools"), canaryRegistry().host, ci),
        DOCKER_HOST: inject("dockerHost"),
      };
      const docker = (args: string[]) =>
        execFileSync("docker", args, { env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
      expect(docker(["image", "inspect", "--format", "{{.Id}}", BASE_IMAGE])).toMatch(/^sha256:/);

      const ref = `${canaryRegistry().host}/samvera/dassie:nightly-20261124`;
      docker([
        "build",
        "--target",
        "dassie",
        "--label",
        `org.opencontainers.image.revision=${COMMIT}`,
        "--label",
        "org.opencontainers.image.version=nightly-20261124",
        "-t",
        ref,
        EXAMPLE,
      ]);
      expect(
        docker(["run", "--rm", "--network", "none", ref, "sh", "-c", "sh /app/samvera/bin/smoke && cat APP"]),
      ).toBe("hyrax-engine\ndassie\n");

      docker(["push", ref]);
      const record = await readTag(
        new RegistryClient({ credentials: ci }),
        `${canaryRegistry().host}/samvera/dassie`,
        "nightly-20261124",
      );
      expect(record).toMatchObject({ revision: COMMIT, version: "nightly-20261124" });
      expect(filesContaining(work, CANARY)).toEqual([]);
      docker(["image", "rm", ref]);
    },
  );
});

describe("builds on the classic builder (no BuildKit)", () => {
  it("build a stage two targets share once: both images carry the same base layer", async () => {
    // The base stage writes random bytes after a pause: built twice side by side, its layer
    // would differ between the two images (and the work be done twice). A fresh RUN line every
    // time, so no earlier run's cache answers for it.
    const project = tempTree({
      Dockerfile:
        `FROM ${BASE_IMAGE} AS base\n` +
        `RUN sleep 1 && echo ${Math.random()} && dd if=/dev/urandom of=/base.bin bs=1k count=64 2>/dev/null\n` +
        "FROM base AS web\nRUN echo web > /which\nFROM base AS worker\nRUN echo worker > /which\n",
      "charthouse.yaml":
        "registry: 127.0.0.1:5999/shared\nimages:\n  - {name: web, target: web}\n  - {name: worker, target: worker}\n",
    });
    // The classic builder, asked for as docker itself is asked (buildx is the default here).
    const env = { DOCKER_HOST: inject("dockerHost"), HOME: process.env.HOME ?? "/root", DOCKER_BUILDKIT: "0" };
    const { charthouse } = await import("../../../kit/cli.js");
    const docker = (args: string[]) =>
      execFileSync("docker", args, { env: { ...process.env, ...env }, encoding: "utf8" }).trim();
    onTestFinished(
      () =>
        void docker([
          "image",
          "rm",
          "--force",
          "127.0.0.1:5999/shared/web:nightly-20261124",
          "127.0.0.1:5999/shared/worker:nightly-20261124",
        ]),
    );
    const run = await charthouse(["test", "--nightly", "--date", "2026-11-24", "--sha", COMMIT], { cwd: project, env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("builder: Docker's classic builder on linux/amd64");
    const layers = (name: string) =>
      JSON.parse(
        docker([
          "image",
          "inspect",
          "--format",
          "{{json .RootFS.Layers}}",
          `127.0.0.1:5999/shared/${name}:nightly-20261124`,
        ]),
      ) as string[];
    const [web, worker] = [layers("web"), layers("worker")];
    expect(web).toHaveLength(3);
    expect(worker[1]).toBe(web[1]);
  });
});
