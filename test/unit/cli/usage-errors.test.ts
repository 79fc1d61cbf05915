import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { charthouse } from "../../kit/cli.js";

describe("flags", () => {
  it("--tag given twice is a usage error, not the last one silently", async () => {
    const run = await charthouse([
      "plan",
      "--config",
      "examples/hyrax/charthouse.yaml",
      "--sha",
      "1".repeat(40),
      "--tag",
      "v1.0.0",
      "--tag",
      "v2.0.0",
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--tag was given twice: pass it once/);
  });
});

describe("output into a reader that stops early", () => {
  it.each([[], ["plan"], ["check"], ["publish"], ["init"], ["sync"]])(
    "charthouse %s --help | head -1 exits quietly",
    (...command) => {
      const tsx = new URL("../../../node_modules/tsx/dist/cli.mjs", import.meta.url).pathname;
      const main = new URL("../../kit/main-from-source.ts", import.meta.url).pathname;
      const run = spawnSync(
        "sh",
        [
          "-c",
          `"${process.execPath}" "${tsx}" "${main}" ${command.join(" ")} --help | head -1; echo ` +
            `"exit=\${PIPESTATUS:-}"`,
        ],
        { encoding: "utf8" },
      );
      expect(run.stdout.split("\n")[0]).toMatch(/^Usage: charthouse/);
      expect(run.stderr).toBe("");
    },
  );
});
