import { execFileSync } from "node:child_process";
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { charthouse } from "../../kit/cli.js";
import { parse } from "yaml";
import { tempTree, writeTree } from "../../kit/temp-dir.js";
import { writeHyraxToday } from "../../kit/hyrax-today.js";
import { runCommands } from "../../kit/ci-checks.js";
import { joined } from "../../kit/regex.js";

/** examples/hyrax as a project that has not adopted charthouse yet. */
function hyraxWithoutCharthouse(): string {
  const project = tempTree();
  cpSync(new URL("../../../examples/hyrax", import.meta.url).pathname, project, { recursive: true });
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
    for (const target of ["hyrax-base", "hyrax-worker-base", "dassie", "dassie-worker"])
      expect(config).toContain(`target: ${target}`);
    expect(config).toContain("  - path: chart/hyrax");
    expect(config).toMatch(/# Not published on their own .*chart\/solr/);
    // No workflow and no remote say the registry: a TODO check names, never a registry of init's own.
    expect(config).toMatch(/^registry: "TODO: the registry and namespace to publish to \(no workflow/m);
    const todo = await charthouse(["check", "--config", join(project, "charthouse.yaml")]);
    expect(todo.code).toBe(2);
    expect(todo.stderr).toMatch(/charthouse\.yaml:\d+:\d+: registry: is left to fill in: the registry/);
    writeFileSync(join(project, "charthouse.yaml"), config.replace(/^registry: .*$/m, "registry: ghcr.io/samvera"));
    expect(await charthouse(["check", "--config", join(project, "charthouse.yaml")])).toMatchObject({ code: 0 });
    // charthouse as the project's blueprint, pinned to a release: no SDK and no module source of the project's own.
    const dagger = JSON.parse(readFileSync(join(project, "dagger.json"), "utf8"));
    expect(Object.keys(dagger).sort()).toEqual(["blueprint", "engineVersion", "name"]);
    expect(dagger).toMatchObject({
      engineVersion: "v0.21.8",
      blueprint: { name: "charthouse", source: "github.com/samvera-labs/charthouse@v0.1.0" },
    });
    expect(runCommands(readFileSync(join(project, ".circleci/config.yml"), "utf8"))).toMatch(
      /^dagger call --sha "\$CIRCLE_SHA1" publish --nightly /m,
    );
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

/** examples/hyrax with the shapes the real samvera/hyrax has today (test/kit/hyrax-today.ts). */
function hyraxToAdopt(): string {
  const project = hyraxWithoutCharthouse();
  writeHyraxToday(project);
  return project;
}

describe("charthouse init adopts a repository shaped like Hyrax today", () => {
  it(
    "publishes what its workflows publish, tests as its CI tests, pins what its values deploy, fires on its tags; " +
      "check accepts it",
    async () => {
      const project = hyraxToAdopt();
      const run = await charthouse(["init", project]);
      expect(run.code, run.stderr).toBe(0);
      const text = readFileSync(join(project, "charthouse.yaml"), "utf8");
      const config = parse(text);
      expect(config.registry).toBe("ghcr.io/samvera/hyrax");
      expect(
        config.images.map((i: { name: string; target: string; platforms: string[] }) => [
          i.name,
          i.target,
          i.platforms,
        ]),
      ).toEqual([
        ["hyrax-base", "hyrax-base", ["linux/amd64", "linux/arm64"]],
        ["hyrax-worker-base", "hyrax-worker-base", ["linux/amd64", "linux/arm64"]],
        ["dassie", "hyrax-engine-dev", ["linux/amd64", "linux/arm64"]],
      ]);
      expect(text).toMatch(/# - name: hyrax {3}# no workflow publishes stage hyrax of Dockerfile/);
      // The gate: the service the CI runs the suite in, its dependencies (redis without a port too), not the worker.
      expect(config.test.image).toBe("dassie");
      expect(config.test.services.map((s: { name: string }) => s.name)).toEqual([
        "chrome",
        "postgres",
        "fits",
        "redis",
      ]);
      expect(config.test.services[1]).toEqual({
        name: "postgres",
        image: "postgres:15-alpine",
        port: 5432,
        env: { POSTGRES_USER: "app_user", POSTGRES_PASSWORD: "app_password" },
        ready: ["sh", "-c", 'pg_isready -U "$POSTGRES_USER"'],
      });
      expect(config.test.services[2]).toMatchObject({ port: 8080 });
      expect(config.test.services[3]).toEqual({
        name: "redis",
        image: "bitnamilegacy/redis:6.2",
        env: { REDIS_PASSWORD: "s3cret", SOLR_HOST: "solr" },
        ready: ["sh", "-c", 'redis-cli -a "$REDIS_PASSWORD" ping | grep -q PONG'],
      });
      expect(text).toMatch(
        joined(
          /# from docker-compose-dassie\.yml:\d+: service web of docker-compose-dassie\.yml /,
          /\(\.github\/workflows\/ci\.yml:\d+ runs the tests with it\)/,
        ),
      );
      expect(config.charts).toEqual([
        { path: "chart/hyrax", pins: [{ image: "dassie", repository: "image.repository", tag: "image.tag" }] },
      ]);
      expect(config.policy).toEqual({
        releaseTag: "hyrax-v{version}",
        chartReleaseTag: "hyrax-chart-{version}",
        defaultBranch: "main",
      });
      expect(readFileSync(join(project, ".github/workflows/charthouse.yml"), "utf8")).toContain(
        '      - "hyrax-v[0-9]+.[0-9]+.[0-9]+*"\n      - "hyrax-chart-[0-9]+.[0-9]+.[0-9]+*"\n',
      );
      // Stale and test-only references are reported, not copied; the table says what came from where.
      expect(run.stdout).toMatch(
        joined(
          /stale, left out: \.github\/workflows\/build\.yml:\d+: target hyrax-engine-dev-worker /,
          /\(ghcr\.io\/samvera\/hyrax\/dassie-worker\) is no stage of Dockerfile/,
        ),
      );
      expect(run.stdout).toMatch(
        joined(
          /stale, left out: \.github\/workflows\/ci\.yml:\d+: ghcr\.io\/samvera\/hyrax-dev is pushed for CI, to feed /,
          /the tests; not published/,
        ),
      );
      expect(run.stdout).toMatch(
        joined(
          /stale, left out: chart\/hyrax\/values\.yaml:6: worker\.image\.repository names /,
          /ghcr\.io\/samvera\/hyrax\/dassie-worker, which no workflow publishes any more/,
        ),
      );
      expect(run.stdout).toMatch(
        /note: release tags v\{version\} \(1 tag, newest v5\.0\.5\) are older than hyrax-v5\.3\.0: not used/,
      );
      expect(run.stdout).toMatch(
        /^ {2}image dassie +target hyrax-engine-dev; linux\/amd64, linux\/arm64 +\.github\/workflows\/build\.yml:\d+$/m,
      );
      expect(run.stdout).toMatch(/^ {2}release tags +hyrax-v\{version\} +git tag hyrax-v5\.3\.0$/m);
      expect(run.stdout).toMatch(/^TODO: charthouse\.yaml: test\.command/m);
      expect(text).not.toMatch(/dassie-worker|hyrax-dev|\$\{\{|GITHUB_SHA/);
      expect(run.stdout).toContain(
        "supersedes (left untouched; remove them once charthouse publishes): .github/workflows/build.yml (job " +
          "build), .github/workflows/charts.yml (job release)",
      );
      const check = await charthouse(["check", "--config", join(project, "charthouse.yaml")]);
      expect(check, check.stderr).toMatchObject({ code: 0 });
      const release = await charthouse([
        "plan",
        "--config",
        join(project, "charthouse.yaml"),
        "--tag",
        "hyrax-v5.4.0",
        "--json",
      ]);
      expect(release.code, release.stderr).toBe(0);
      const plan = JSON.parse(release.stdout);
      expect(plan.images.map((i: { tag: string }) => i.tag)).toEqual(["5.4.0", "5.4.0", "5.4.0"]);
      expect(new Set(plan.aliases.map((a: { alias: string }) => a.alias.split(":").pop()))).toEqual(
        new Set(["latest", "5", "5.4"]),
      );
      expect(
        (await charthouse(["plan", "--config", join(project, "charthouse.yaml"), "--tag", "hyrax-chart-3.7.4"])).stdout,
      ).toMatch(/chart release hyrax 3\.7\.4/);
    },
  );

  it("--dry-run prints the files it would write and writes none", async () => {
    const project = hyraxToAdopt();
    const run = await charthouse(["init", project, "--dry-run"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      /^--- charthouse\.yaml \(not written\)\nregistry|^--- charthouse\.yaml \(not written\)\n# yaml-language-server/m,
    );
    expect(run.stdout).toContain("--- .github/workflows/charthouse.yml (not written)");
    expect(run.stdout).toContain('releaseTag: "hyrax-v{version}"');
    expect(existsSync(join(project, "charthouse.yaml"))).toBe(false);
    expect(existsSync(join(project, "dagger.json"))).toBe(false);
  });

  it("exits 0 with a TODO where it cannot decide, and check names it", async () => {
    const project = hyraxToAdopt();
    writeTree(project, {
      ".github/workflows/other.yml":
        "on: release\njobs:\n  b:\n    steps:\n      - uses: docker/build-push-action@v7\n        with:\n" +
        "          target: hyrax\n          push: true\n          tags: ghcr.io/samvera/hyrax/dassie:x\n",
    });
    const run = await charthouse(["init", project]);
    expect(run.code).toBe(0);
    const check = await charthouse(["check", "--config", join(project, "charthouse.yaml")]);
    expect(check.code).toBe(2);
    expect(check.stderr).toMatch(
      joined(
        /images\[\d\]\.target: is left to fill in: the target to publish as ghcr\.io\/samvera\/hyrax\/dassie: /,
        /the workflows build hyrax-engine-dev \(\.github\/workflows\/build\.yml:\d+\) and hyrax /,
        /\(\.github\/workflows\/other\.yml:7\)/,
      ),
    );
  });
});
