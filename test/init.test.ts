import { execFileSync } from "node:child_process";
import { cpSync, existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { charthouse } from "./helpers/cli.js";
import { tempTree } from "./helpers/temp-dir.js";

/** examples/hyrax as a project that has not adopted charthouse yet. */
function hyraxWithoutCharthouse(): string {
  const project = tempTree();
  cpSync(new URL("../examples/hyrax", import.meta.url).pathname, project, { recursive: true });
  rmSync(join(project, "charthouse.yaml"));
  return project;
}

describe("charthouse init", () => {
  it("writes a charthouse.yaml that check accepts, with every Dockerfile target and the top-level chart", async () => {
    const project = hyraxWithoutCharthouse();
    const run = await charthouse(["init", project, "--ci", "circleci"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("wrote charthouse.yaml, dagger.json, .circleci/config.yml");
    const config = readFileSync(join(project, "charthouse.yaml"), "utf8");
    for (const target of ["hyrax-base", "hyrax-worker-base", "dassie", "dassie-worker"]) expect(config).toContain(`target: ${target}`);
    expect(config).toContain("  - path: chart/hyrax");
    expect(config).toMatch(/# Not published on their own .*chart\/solr/);
    expect(config).toMatch(/# TODO: the registry/);
    expect(await charthouse(["check", "--config", join(project, "charthouse.yaml")])).toMatchObject({ code: 0 });
    // charthouse as the project's blueprint, pinned to a release: no SDK and no module source of the project's own.
    const dagger = JSON.parse(readFileSync(join(project, "dagger.json"), "utf8"));
    expect(Object.keys(dagger).sort()).toEqual(["blueprint", "engineVersion", "name"]);
    expect(dagger).toMatchObject({ engineVersion: "v0.21.9", blueprint: { name: "charthouse", source: "github.com/samvera-labs/charthouse@v0.1.0" } });
    expect(readFileSync(join(project, ".circleci/config.yml"), "utf8")).toMatch(/command: dagger call publish --nightly /);
  });

  it("guesses the registry from a GitHub origin remote", async () => {
    const project = hyraxWithoutCharthouse();
    execFileSync("git", ["init", "-q"], { cwd: project });
    execFileSync("git", ["remote", "add", "origin", "git@github.com:Samvera/hyrax.git"], { cwd: project });
    await charthouse(["init", project]);
    const config = readFileSync(join(project, "charthouse.yaml"), "utf8");
    expect(config).toContain("registry: ghcr.io/samvera\nsource: https://github.com/Samvera/hyrax\n");
    expect(existsSync(join(project, ".github/workflows/charthouse.yml"))).toBe(true);
  });

  it("refuses to overwrite, writing nothing, unless --force", async () => {
    const project = hyraxWithoutCharthouse();
    await charthouse(["init", project]);
    const before = readFileSync(join(project, "charthouse.yaml"), "utf8");
    const again = await charthouse(["init", project, "--ci", "circleci"]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/charthouse.yaml, dagger.json already exist; nothing was written\. .*--force/);
    expect(existsSync(join(project, ".circleci/config.yml"))).toBe(false);
    expect((await charthouse(["init", project, "--ci", "circleci", "--force"])).code).toBe(0);
    expect(readFileSync(join(project, "charthouse.yaml"), "utf8")).toBe(before);
    expect(existsSync(join(project, ".circleci/config.yml"))).toBe(true);
  });
});
