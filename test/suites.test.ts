import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UNIT } from "../vitest.config.js";

const ROOT = new URL("..", import.meta.url).pathname;
const glob = (pattern: string) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*")}$`);

describe("the pure suites (npm run test:unit)", () => {
  const unit = readdirSync(join(ROOT, "test"), { recursive: true, encoding: "utf8" })
    .map((f) => `test/${f}`)
    .filter((f) => f.endsWith(".test.ts") && UNIT.some((p) => glob(p).test(f)));

  it("are the config, context, plan, pipeline, chart-rewriting, ci-files and select-version suites among others", () => {
    for (const name of ["config", "context", "plan-release", "plan-nightly", "pipeline", "chart-rewrite", "ci-files", "updater-select"]) expect(unit).toContain(`test/${name}.test.ts`);
  });

  it("reach for no Docker engine, registry, proxy or helm", () => {
    for (const file of unit.filter((f) => f !== "test/suites.test.ts")) {
      const text = readFileSync(join(ROOT, file), "utf8");
      expect(text, file).not.toMatch(/inject\("dockerHost"\)|startRegistry|useCanaryRegistry|useModuleHarness|startProxy|helmBinary|ensureDockerEngine/);
    }
  });
});
