import { execFileSync, spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = new URL("../../..", import.meta.url).pathname;
const CONFIG = join(ROOT, ".dependency-cruiser.cjs");
const DEPCRUISE = join(ROOT, "node_modules/.bin/depcruise");

/** dependency-cruiser with the project's rules over `src` and `ci/src` of `cwd`. */
function cruise(cwd: string): { code: number | null; output: string } {
  const run = spawnSync(DEPCRUISE, ["src", "ci/src", "--config", CONFIG], { cwd, encoding: "utf8" });
  return { code: run.status, output: `${run.stdout}${run.stderr}` };
}

/** Where the pure parts read the clock or the environment (which they must be handed instead). */
function clockAndEnvironment(root: string): string[] {
  return ["src/plan", "src/pipeline"].flatMap((dir) =>
    readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
      .filter((e) => e.isFile() && e.name.endsWith(".ts"))
      .flatMap((e) => {
        const file = join(e.parentPath, e.name);
        return readFileSync(file, "utf8")
          .split("\n")
          .flatMap((line, i) =>
            /\bprocess\.|Date\.now\(|new Date\(\)/.test(line.replace(/\/\/.*$/, ""))
              ? [`${file.slice(root.length)}:${i + 1}`]
              : [],
          );
      }),
  );
}

describe("architecture walls (dependency-cruiser, .dependency-cruiser.cjs)", () => {
  it("hold in charthouse's own source", () => {
    const { code, output } = cruise(ROOT);
    expect(output).toMatch(/no dependency violations found/);
    expect(code).toBe(0);
  });

  it("fail on a tree that breaks each of them (test/fixtures/walls)", () => {
    const { code, output } = cruise(join(ROOT, "test/fixtures/walls"));
    expect(code).not.toBe(0);
    for (const rule of [
      "plan-and-pipeline-are-pure",
      "plan-and-pipeline-do-no-io",
      "config-does-not-plan",
      "module-imports-only-its-bundle-and-the-sdk",
      "production-code-never-uses-test-infrastructure",
      "registry-does-not-plan",
      "module-does-not-depend-on-the-cli",
      "only-the-dagger-adapter-uses-the-sdk",
      "cli-never-reaches-the-dagger-sdk",
      "chart-is-pure",
      "one-way-to-read-a-project",
      "project-files-touch-the-disk-in-one-place",
      "no-cycles",
    ]) {
      expect(output, rule).toContain(`error ${rule}:`);
    }
    // The Dagger adapter is the one part of src that may use the SDK.
    expect(output).not.toMatch(/only-the-dagger-adapter-uses-the-sdk: src\/engines\/dagger\//);
    // formats.ts is the one part of src/plan config may use.
    expect(output).not.toMatch(/config-does-not-plan: src\/config\/load\.ts → src\/plan\/formats\.ts/);
  });

  it("the planner and the pipeline read no clock and no environment", () => {
    expect(clockAndEnvironment(ROOT)).toEqual([]);
    expect(clockAndEnvironment(join(ROOT, "test/fixtures/walls"))).toEqual(["/src/plan/clock.ts:2"]);
  });

  it("npm test runs the walls", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    expect(pkg.scripts.test).toContain("npm run -s walls");
    expect(
      execFileSync("node", ["-e", "process.stdout.write(require('./package.json').scripts.walls)"], {
        cwd: ROOT,
        encoding: "utf8",
      }),
    ).toBe("depcruise src ci/src --config .dependency-cruiser.cjs");
  });
});
