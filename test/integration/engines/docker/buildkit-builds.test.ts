import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, inject, it, onTestFinished } from "vitest";
import { BASE_IMAGE } from "../../../kit/index.js";
import { charthouse } from "../../../kit/cli.js";
import { tempTree } from "../../../kit/temp-dir.js";
import { buildxBinary } from "../../../kit/buildkit.js";

// Builds on the engine's BuildKit, through both clients users have: buildx (the CLI
// plugin, Docker 23+) and Debian's Docker 20.10 client with DOCKER_BUILDKIT=1.

/**
 * Two targets over one slow stage. The slow stage counts its runs in a cache mount and
 * writes random bytes; each target then waits until the other one has started (a
 * rendezvous in a shared cache mount, given up after 30 s), so both can only pass when
 * they build side by side, and copies the count. A fresh id per run keeps earlier
 * runs' caches out. The classic builder knows no RUN --mount at all.
 */
function sharedStageProject(): { root: string; web: string; worker: string } {
  const id = randomBytes(6).toString("hex");
  const rendezvous = (self: string, other: string) =>
    `RUN --mount=type=cache,id=ch-rv-${id},target=/rv,sharing=shared sh -c 'touch /rv/${self}; i=0; until [ -e ` +
    `/rv/${other} ]; do sleep 0.1; i=$((i+1)); [ $i -lt 300 ] || exit 1; done'`;
  const count = `RUN --mount=type=cache,id=ch-count-${id},target=/count cp /count/runs /runs`;
  const root = tempTree({
    Dockerfile: [
      `FROM ${BASE_IMAGE} AS slow`,
      `RUN --mount=type=cache,id=ch-count-${id},target=/count sh -c 'sleep 2; echo ran >> /count/runs; head -c 16 ` +
        `/dev/urandom | od -An -tx1 | tr -d " \\n" > /token'`,
      "FROM slow AS web",
      rendezvous("web", "worker"),
      count,
      "FROM slow AS worker",
      rendezvous("worker", "web"),
      count,
      "",
    ].join("\n"),
    "charthouse.yaml":
      `registry: 127.0.0.1:5999/bk${id}\nimages:\n  - {name: web, target: web}\n` +
      "  - {name: worker, target: worker}\n",
  });
  return {
    root,
    web: `127.0.0.1:5999/bk${id}/web:nightly-20261124`,
    worker: `127.0.0.1:5999/bk${id}/worker:nightly-20261124`,
  };
}

const docker = (args: string[]): string =>
  execFileSync("docker", args, { env: { ...process.env, DOCKER_HOST: inject("dockerHost") }, encoding: "utf8" }).trim();

async function buildShared(env: Record<string, string>): Promise<{ output: string; web: string; worker: string }> {
  const project = sharedStageProject();
  onTestFinished(() => void docker(["image", "rm", "--force", project.web, project.worker]));
  const run = await charthouse(
    ["test", "--nightly", "--date", "2026-11-24", "--sha", "cccc000000000000000000000000000000000001"],
    {
      cwd: project.root,
      env: { DOCKER_HOST: inject("dockerHost"), HOME: process.env.HOME ?? "/root", ...env },
    },
  );
  expect(run.code, `${run.stdout}${run.stderr}`).toBe(0);
  return { output: run.stdout, web: project.web, worker: project.worker };
}

/** What the two images say of the slow stage: its random bytes, and how often it ran. */
const stage = (image: string) =>
  docker(["run", "--rm", "--network", "none", image, "sh", "-c", "cat /token; echo; cat /runs"]);

describe("builds on BuildKit", () => {
  it(
    "through buildx: a run's builds are one bake, in which two targets sharing a slow stage build side by side and " +
      "build it once; cache mounts are honoured",
    async () => {
      buildxBinary();
      // The docker the run finds first on PATH records each call, then runs the real one.
      const real = execFileSync("sh", ["-c", "command -v docker"], { encoding: "utf8" }).trim();
      const bin = tempTree({ docker: `#!/bin/sh\necho "$*" >> "$(dirname "$0")/calls"\nexec ${real} "$@"\n` });
      chmodSync(join(bin, "docker"), 0o755);
      const built = await buildShared({ PATH: `${bin}:${process.env.PATH}` });
      expect(built.output).toContain("builder: BuildKit (buildx) on linux/amd64");
      const calls = readFileSync(join(bin, "calls"), "utf8").split("\n");
      expect(calls.filter((c) => c.startsWith("buildx bake "))).toHaveLength(1);
      expect(calls.filter((c) => c.startsWith("buildx build ") || c.startsWith("build "))).toEqual([]);
      expect(built.output).toMatch(/build web \(web\) as .* … ok/);
      expect(built.output).toMatch(/build worker \(worker\) as .* … ok/);
      const [web, worker] = [stage(built.web), stage(built.worker)];
      expect(web).toMatch(/^[0-9a-f]{32}\nran$/);
      expect(worker).toBe(web);
    },
  );

  it("through buildx: a failing target fails its image's build with that step's output", async () => {
    buildxBinary();
    const id = randomBytes(6).toString("hex");
    const root = tempTree({
      Dockerfile: [
        `FROM ${BASE_IMAGE} AS good`,
        `RUN echo good-${id}`,
        `FROM ${BASE_IMAGE} AS bad`,
        `RUN echo "broken-${id}: no such gem"; exit 3`,
        "",
      ].join("\n"),
      "charthouse.yaml":
        `registry: 127.0.0.1:5999/bf${id}\nimages:\n  - {name: good, target: good}\n` +
        "  - {name: bad, target: bad}\n",
    });
    onTestFinished(() => void docker(["image", "rm", "--force", `127.0.0.1:5999/bf${id}/good:nightly-20261124`]));
    const run = await charthouse(
      ["test", "--nightly", "--date", "2026-11-24", "--sha", "cccc000000000000000000000000000000000002"],
      { cwd: root, env: { DOCKER_HOST: inject("dockerHost"), HOME: process.env.HOME ?? "/root" } },
    );
    expect(run.code, `${run.stdout}${run.stderr}`).toBe(4);
    const all = `${run.stdout}${run.stderr}`;
    expect(all).toMatch(/build bad \(bad\) as .* … FAILED/);
    expect(all).toContain(`broken-${id}: no such gem`);
    // The run names the build that failed, whichever step it reports.
    expect(all).toMatch(/docker buildx bake(: the build of bad failed| stopped when the build of bad failed)/);
  });

  it("through Debian's Docker 20.10 client with DOCKER_BUILDKIT=1 (no buildx): the same", async () => {
    expect(existsSync("/usr/bin/docker"), "Debian's docker.io client").toBe(true);
    // Its docker first on PATH, and a home without CLI plugins: no buildx to find.
    const built = await buildShared({ PATH: `/usr/bin:${process.env.PATH}`, HOME: tempTree(), DOCKER_BUILDKIT: "1" });
    expect(execFileSync("/usr/bin/docker", ["--version"], { encoding: "utf8" })).toMatch(/^Docker version 20\.10\./);
    expect(built.output).toContain("builder: BuildKit (DOCKER_BUILDKIT=1) on linux/amd64");
    const [web, worker] = [stage(built.web), stage(built.worker)];
    expect(web).toMatch(/^[0-9a-f]{32}\nran$/);
    expect(worker).toBe(web);
  });
});
