import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { parse } from "yaml";
import { charthouse } from "../../kit/cli.js";
import { tempTree } from "../../kit/temp-dir.js";

const SHA = "e".repeat(40);
const EXAMPLE = ["--config", "examples/hyrax/charthouse.yaml", "--sha", SHA];
const env = () => ({ DOCKER_HOST: inject("dockerHost") });

describe("charthouse lint, package and test on the example (real helm, real Docker engine)", () => {
  it("lint: dependency build, lint --strict and template, pushing nothing", async () => {
    const run = await charthouse(["lint", ...EXAMPLE], { env: env() });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/\[1\/3\] helm dependency build chart\/hyrax … ok/);
    expect(run.stdout).toMatch(/\[3\/3\] helm template hyrax with pinned images … ok/);
    expect(run.stdout).toContain("All 3 gate step(s) passed");
  });

  it("package: the chart .tgz with the planned version and appVersion, in --output", async () => {
    const out = tempTree();
    const run = await charthouse(["package", ...EXAMPLE, "--nightly", "--date", "2026-11-24", "--output", out], {
      env: env(),
    });
    expect(run.code).toBe(0);
    expect(readdirSync(out)).toEqual(["hyrax-3.7.4-nightly.20261124.tgz"]);
    const chart = parse(
      execFileSync("tar", ["-xzOf", join(out, "hyrax-3.7.4-nightly.20261124.tgz"), "hyrax/Chart.yaml"], {
        encoding: "utf8",
      }),
    );
    expect(chart).toMatchObject({ version: "3.7.4-nightly.20261124", appVersion: "nightly-20261124" });
    expect(run.stdout).toContain(join(out, "hyrax-3.7.4-nightly.20261124.tgz"));
  });

  it("test: builds every image, smoke-tests it, runs the suite against its services", async () => {
    const run = await charthouse(["test", ...EXAMPLE], { env: env() });
    expect(run.code).toBe(0);
    expect(run.stdout.match(/ build .* … ok/g)).toHaveLength(4);
    expect(run.stdout.match(/ smoke-test .* … ok/g)).toHaveLength(4);
    expect(run.stdout).toMatch(/test in dassie with solr, postgres, redis, fcrepo: sh \/app\/samvera\/bin\/test … ok/);
    expect(run.stdout).not.toMatch(/ push /);
  });
});
