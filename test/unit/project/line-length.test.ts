import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempTree } from "../../kit/temp-dir.js";

const ROOT = new URL("../../..", import.meta.url).pathname;
const SCRIPT = join(ROOT, "scripts/check-line-length.mjs");

/** The check run in a fresh git repository holding `files`, all of them tracked. */
function check(files: Record<string, string>): { code: number | null; stderr: string } {
  const repo = tempTree(files);
  execFileSync("git", ["init", "-q"], { cwd: repo });
  execFileSync("git", ["add", "."], { cwd: repo });
  const run = spawnSync(process.execPath, [SCRIPT], { cwd: repo, encoding: "utf8" });
  return { code: run.status, stderr: run.stderr };
}

describe("the line-length check (npm run lines)", () => {
  it("names every tracked source line over 120 characters and fails", () => {
    const long = `// ${"x".repeat(118)}`;
    const run = check({
      "src/a.ts": `const a = 1;\n${long}\n`,
      ".github/workflows/ci.yml": `${"y".repeat(121)}\n`,
      "bench/run.sh": `${"z".repeat(120)}\n`,
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("src/a.ts:2: 121 characters\n");
    expect(run.stderr).toContain(".github/workflows/ci.yml:1: 121 characters\n");
    expect(run.stderr).not.toContain("bench/run.sh");
  });

  it("counts characters, not bytes, and leaves prose, data and the minified validator alone", () => {
    const run = check({
      "src/dash.ts": `// ${"—".repeat(117)}\n`,
      "README.md": `${"p".repeat(200)}\n`,
      "test/fixtures/data.yaml": `${"d".repeat(200)}\n`,
      "ci/lib/bundle.js": `${"b".repeat(200)}\n`,
      "src/config/schema-validator.generated.ts": `${"v".repeat(200)}\n`,
    });
    expect(run).toEqual({ code: 0, stderr: "" });
  });

  it("is part of npm test", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    expect(pkg.scripts.lines).toBe("node scripts/check-line-length.mjs");
    expect(pkg.scripts.test).toContain("npm run -s format:check && npm run -s lines");
  });
});
