import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, inject, it } from "vitest";
import {
  charthouseModuleCopy,
  daggerModuleMissing,
  useDaggerEngine,
  type SharedDaggerEngine,
} from "../../kit/dagger-engine.js";
import { runProcess } from "../../../src/exec/run-process.js";
import { tempTree } from "../../kit/temp-dir.js";

// charthouse's stand-in for Dagger's TypeScript SDK runtime (scripts/tools/dagger-sdk), loaded by the real engine
// from the content scripts/tools/dagger-sdk/build-content.mjs builds: a TypeScript module whose dagger.json says
// "sdk": {"source": "typescript"}, as users write it, loads and runs.
const missing = daggerModuleMissing();
const LOAD = 600_000; // a cold load compiles the stand-in and generates the module's client

let engine: SharedDaggerEngine;
beforeAll(async () => {
  if (!missing) engine = await useDaggerEngine(inject("daggerEngine"));
}, 300_000);

/** `dagger …` in `cwd` on the test's engine: its exit code and output (stdout and stderr). */
async function dagger(cwd: string, args: string[]) {
  const result = await runProcess(engine.cli, ["--progress=plain", ...args], { cwd, env: engine.env() });
  return { code: result.code, stdout: result.stdout, output: result.output };
}

const title = "the TypeScript runtime stand-in on the real engine";
describe.skipIf(missing)(missing ? `${title} (skipped: ${missing})` : title, () => {
  it(
    "loads charthouse's module, dagger.json unchanged, and lists its functions",
    async () => {
      const module = charthouseModuleCopy();
      expect(JSON.parse(readFileSync(join(module, "dagger.json"), "utf8")).sdk).toEqual({ source: "typescript" });
      const { code, stdout, output } = await dagger(module, ["functions"]);
      expect(code, output).toBe(0);
      for (const fn of ["build", "lint", "package", "plan", "publish", "test"])
        expect(stdout).toMatch(new RegExp(`^${fn}\\s`, "m"));
    },
    LOAD,
  );

  it(
    "installs a module's own dependencies with its package manager and runs its function",
    async () => {
      const module = tempTree({
        "dagger.json": JSON.stringify({ name: "yamlish", sdk: { source: "typescript" }, source: "." }),
        "package.json": JSON.stringify({ type: "module", dependencies: { yaml: "2.8.1", typescript: "5.9.3" } }),
        "src/index.ts": [
          'import { func, object } from "@dagger.io/dagger";',
          'import { stringify } from "yaml";',
          "@object()",
          "export class Yamlish {",
          "  /** The argument as a YAML document. */",
          "  @func()",
          "  yaml(name: string): string {",
          "    return stringify({ hello: name });",
          "  }",
          "}",
          "",
        ].join("\n"),
      });
      const { code, stdout, output } = await dagger(module, ["call", "yaml", "--name", "world"]);
      expect(code, output).toBe(0);
      expect(stdout.trim()).toBe("hello: world");
    },
    LOAD,
  );

  it(
    "refuses a module that asks for Bun, naming the file and field",
    async () => {
      const module = tempTree({
        "dagger.json": JSON.stringify({ name: "bunny", sdk: { source: "typescript" }, source: "." }),
        "package.json": JSON.stringify({ type: "module", dagger: { runtime: "bun" } }),
        "src/index.ts": 'import { object } from "@dagger.io/dagger";\n@object()\nexport class Bunny {}\n',
      });
      const { code, output } = await dagger(module, ["functions"]);
      expect(code).not.toBe(0);
      expect(output).toContain('package.json: dagger.runtime is "bun"');
    },
    LOAD,
  );
});
