import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
const ROOT = new URL("../../..", import.meta.url).pathname;
const { GENERATORS } = (await import(join(ROOT, "scripts/generate.mjs"))) as {
  GENERATORS: { writes: string; from: string; within?: string[] }[];
};

describe("the generated artefacts (npm run generate)", () => {
  it("are each what npm run generate makes from their sources now (run it and commit when this fails)", () => {
    const check = spawnSync(process.execPath, ["scripts/generate.mjs", "--check"], { cwd: ROOT, encoding: "utf8" });
    expect(check.stderr).toBe("");
    expect(check.status).toBe(0);
  }, 120_000);

  it("are the validator, the config types, the JSON output schemas, the CI files and the module's bundle", () => {
    expect(GENERATORS.map((g) => g.writes)).toEqual([
      "src/config/schema-validator.generated.ts",
      "src/config/raw-config.generated.ts",
      "schemas/*.schema.json",
      ".circleci/config.yml, .github/workflows/charthouse.yml",
      "the exit-code tables of README.md and docs/sync.md",
      "ci/lib/charthouse.js, ci/lib/charthouse.d.ts",
    ]);
  });

  it("are marked linguist-generated, so reviews and language statistics skip them", () => {
    const marked = readFileSync(join(ROOT, ".gitattributes"), "utf8")
      .split("\n")
      .filter((l) => /\slinguist-generated(=true)?\b/.test(l))
      .map((l) => l.split(/\s+/)[0]);
    // A generated block within a hand-written file (the exit codes in README.md) leaves the file a person's.
    for (const path of GENERATORS.filter((g) => !g.within).flatMap((g) => g.writes.split(", ")))
      expect(marked, path).toContain(path);
  });

  it("npm run generate is the one way to rebuild them", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    expect(pkg.scripts.generate).toBe("node scripts/generate.mjs");
    expect(Object.keys(pkg.scripts).filter((s) => s.startsWith("build:") || s === "ci-files")).toEqual([]);
  });
});
