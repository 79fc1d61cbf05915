import { execFileSync } from "node:child_process";
import { chmodSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startRegistry, type LocalRegistry } from "../../kit/index.js";
import { crossCheck, daggerCalls } from "../../kit/ci-checks.js";
import { introspect, type Fn } from "../../kit/introspect-module.js";
import { tempTree } from "../../kit/temp-dir.js";
import { writeHyraxToday } from "../../kit/hyrax-today.js";

const ROOT = new URL("../../..", import.meta.url).pathname;
const guide = readFileSync(join(ROOT, "docs/adopting.md"), "utf8");
const commands = [...guide.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) =>
  m[1]!.split("\n").filter((l) => l.trim() !== ""),
);

let api: Record<string, Fn>;
let construct: Fn;
let registry: LocalRegistry;
beforeAll(async () => {
  ({ functions: api, construct } = await introspect());
  registry = await startRegistry();
});
afterAll(async () => registry?.stop());

/**
 * A repository with Hyrax's shapes today that has not adopted charthouse, pushing to a bare local repository, and
 * `charthouse` on PATH.
 */
function sandbox(): { project: string; origin: string; env: NodeJS.ProcessEnv } {
  const root = tempTree();
  const project = join(root, "hyrax");
  cpSync(join(ROOT, "examples/hyrax"), project, { recursive: true });
  rmSync(join(project, "charthouse.yaml"));
  execFileSync("git", ["init", "-q", "--bare", join(root, "origin.git")]);
  writeHyraxToday(project, { pushTo: join(root, "origin.git") });
  mkdirSync(join(root, "bin"));
  writeFileSync(
    join(root, "bin/charthouse"),
    `#!/bin/sh\nexec ${process.execPath} ${join(ROOT, "bin/charthouse.js")} "$@"\n`,
  );
  chmodSync(join(root, "bin/charthouse"), 0o755);
  return {
    project,
    origin: join(root, "origin.git"),
    env: {
      ...process.env,
      PATH: `${join(root, "bin")}:${process.env.PATH}`,
      DOCKER_HOST: inject("dockerHost"),
      GIT_COMMITTER_NAME: "t",
      GIT_COMMITTER_EMAIL: "t@example.org",
    },
  };
}

describe("docs/adopting.md", () => {
  it("has commands of the three kinds the test knows", () => {
    expect(commands.length).toBeGreaterThan(8);
    for (const c of commands) expect(c).toMatch(/^(charthouse |git |dagger |CHARTHOUSE_\w+=\S+ .*charthouse )/);
  });

  it("every dagger call names a function and arguments the module has", () => {
    const calls = daggerCalls(commands.filter((c) => c.startsWith("dagger ")).join("\n"));
    expect(calls.length).toBe(2);
    expect(crossCheck(calls, api, construct)).toEqual([]);
    // The blueprint makes the functions the repository's own: no -m, no --source.
    for (const c of calls) expect(c.line).toMatch(/^dagger call (--sha \S+ )?publish /);
    expect(commands.join("\n")).not.toMatch(/dagger -m|--source/);
  });

  it("every charthouse and git command runs, in order, in a repository shaped like Hyrax today", () => {
    const { project, origin, env } = sandbox();
    for (const command of commands.filter((c) => !c.startsWith("dagger "))) {
      // A local registry in place of the one init learned, so nothing leaves this machine.
      if (command === "charthouse check") {
        const file = join(project, "charthouse.yaml");
        writeFileSync(
          file,
          readFileSync(file, "utf8").replace(
            "registry: ghcr.io/samvera/hyrax",
            `registry: ${registry.host}/samvera/hyrax`,
          ),
        );
      }
      try {
        execFileSync("bash", ["-c", command], { cwd: project, env, stdio: "pipe", timeout: 120_000 });
      } catch (error) {
        const e = error as { stdout?: Buffer; stderr?: Buffer };
        throw new Error(`\`${command}\` failed:\n${e.stdout?.toString()}\n${e.stderr?.toString()}`);
      }
    }
    // What the guide says init learns, it learned; the tag reached origin.
    const config = readFileSync(join(project, "charthouse.yaml"), "utf8");
    for (const line of [
      "  - name: dassie\n    target: hyrax-engine-dev",
      '  releaseTag: "hyrax-v{version}"',
      '  chartReleaseTag: "hyrax-chart-{version}"',
      "      - { image: dassie, repository: image.repository, tag: image.tag }",
    ])
      expect(config).toContain(line);
    expect(execFileSync("git", ["ls-remote", "--tags", origin], { cwd: project, encoding: "utf8" })).toContain(
      "refs/tags/hyrax-v5.4.0",
    );
  });
});
