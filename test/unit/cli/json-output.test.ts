import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { charthouse } from "../../kit/cli.js";
import { valid } from "../../kit/json-schema.js";
import { tempTree } from "../../kit/temp-dir.js";

const ROOT = new URL("../../..", import.meta.url).pathname;
const SHA = "1".repeat(40);
const EXAMPLE = ["--config", "examples/hyrax/charthouse.yaml"];

describe("machine output has a contract: JSON Schemas shipped in schemas/, generated from the types", () => {
  it(
    "the schemas ship in the package (npm run generate writes them; test/unit/project/generated.test.ts checks them " +
      "fresh)",
    () => {
      const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
      expect(pkg.files).toContain("/schemas");
    },
  );

  it("plan --json matches schemas/plan.schema.json and carries no path of the machine that made it", async () => {
    const run = await charthouse(["plan", ...EXAMPLE, "--nightly", "--date", "2026-11-24", "--sha", SHA, "--json"]);
    const plan = valid("plan", run.stdout);
    expect(plan.version).toBe(1);
    expect(run.stdout).not.toContain(ROOT);
    expect(plan.images[0].build).toMatchObject({ context: ".", dockerfile: "Dockerfile" });
    expect(plan.charts[0].relativePath).toBe("chart/hyrax");
  });

  it("check --json matches schemas/check.schema.json, valid or not", async () => {
    const ok = await charthouse(["check", ...EXAMPLE, "--json"]);
    expect(ok.code).toBe(0);
    expect(valid("check", ok.stdout)).toMatchObject({ valid: true, declares: { images: 4, charts: 1, services: 4 } });
    const dir = tempTree({ "charthouse.yaml": "registry: ghcr.io/x\nimagse: []\n" });
    const bad = await charthouse(["check", "--json"], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(valid("check", bad.stdout)).toMatchObject({
      valid: false,
      file: "charthouse.yaml",
      problems: [{ file: "charthouse.yaml", line: 2, column: 1, field: "imagse" }],
    });
  });

  it(
    "a failure under --json is JSON (schemas/error.schema.json), with the exit code and, for config errors, every " +
      "problem located",
    async () => {
      const refusal = await charthouse(["plan", ...EXAMPLE, "--nightly", "--tag", "v1.0.0", "--sha", SHA, "--json"]);
      expect(refusal.code).toBe(2);
      expect(valid("error", refusal.stdout)).toMatchObject({
        version: 1,
        error: {
          code: 2,
          kind: "ConfigError",
          message: expect.stringMatching(/--nightly and --tag name different runs/),
        },
      });
      const dir = tempTree({ "charthouse.yaml": "registry: samvera\n" });
      const config = await charthouse(["plan", "--sha", SHA, "--json"], { cwd: dir });
      expect(valid("error", config.stdout).error).toMatchObject({
        code: 2,
        kind: "ConfigProblemsError",
        problems: [{ file: "charthouse.yaml", line: 1, field: "registry" }],
      });
    },
  );

  it("lint --json matches schemas/publish.schema.json", async () => {
    const dir = tempTree({ "charthouse.yaml": "registry: ghcr.io/x\n" });
    const run = await charthouse(["lint", "--sha", SHA, "--json"], { cwd: dir });
    expect(valid("publish", run.stdout)).toMatchObject({ version: 1, status: "nothing-to-do" });
  });
});
