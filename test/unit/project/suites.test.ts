import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { INTEGRATION, UNIT } from "../../../vitest.config.js";

const ROOT = new URL("../../..", import.meta.url).pathname;
/** A vitest include pattern as a regular expression: `**` any folders, `*` any name within one. */
const glob = (pattern: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+?^${}()|[\]\\]/g, "\\$&")
      .replace(/\*\*\//g, "\u0000")
      .replace(/\*/g, "[^/]*")
      .replace(/\u0000/g, "(?:[^/]+/)*")}$`,
  );
const suites = readdirSync(join(ROOT, "test"), { recursive: true, encoding: "utf8" })
  .map((f) => `test/${f}`)
  .filter((f) => f.endsWith(".test.ts") && !f.startsWith("test/fixtures/"));
const matching = (patterns: string[]) => suites.filter((f) => patterns.some((p) => glob(p).test(f)));

describe("the pure suites (npm run test:unit)", () => {
  const unit = matching(UNIT);

  it("are the config, context, plan, pipeline, chart-rewriting, ci-files, select-version suites and others", () => {
    for (const name of [
      "config/load-config",
      "context/detect-context",
      "plan/release",
      "plan/nightly",
      "pipeline/steps",
      "chart/rewrite-chart",
      "ci-files/ci-files",
      "updater/select-version",
    ]) {
      expect(unit).toContain(`test/unit/${name}.test.ts`);
    }
  });

  it("reach for no Docker engine, registry, proxy or helm", () => {
    for (const file of unit.filter((f) => f !== "test/unit/project/suites.test.ts")) {
      const text = readFileSync(join(ROOT, file), "utf8");
      expect(text, file).not.toMatch(
        /inject\("dockerHost"\)|start(Referrers)?Registry|useCanaryRegistry|useModuleHarness|startProxy|helmBinary/,
      );
      expect(text, file).not.toMatch(/ensureDockerEngine/);
    }
  });

  it("are told apart by folder: each suite is in exactly one of test/unit and test/integration", () => {
    expect(UNIT).toEqual(["test/unit/**/*.test.ts"]);
    expect(INTEGRATION).toEqual(["test/integration/**/*.test.ts"]);
    const integration = matching(INTEGRATION);
    expect(integration).toContain("test/integration/conformance/conformance.test.ts");
    expect(suites.filter((f) => unit.includes(f) === integration.includes(f))).toEqual([]);
  });
});
