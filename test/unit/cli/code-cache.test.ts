import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { tempTree } from "../../kit/temp-dir.js";

const ROOT = new URL("../../..", import.meta.url).pathname;
const EXAMPLE = join(ROOT, "examples/hyrax/charthouse.yaml");
const PLAN = ["plan", "--config", EXAMPLE, "--nightly", "--date", "2026-11-24", "--sha", "1".repeat(40)];

/** The bundled CLI as installed: bin/, package.json and dist/cli/ built by scripts/build-cli.mjs. */
let install: string;
let bundle: string;
let cache: string;
const charthouse = (args: string[]) =>
  spawnSync(process.execPath, [join(install, "bin/charthouse.js"), ...args], { encoding: "utf8" });

beforeAll(() => {
  install = tempTree();
  cpSync(join(ROOT, "bin"), join(install, "bin"), { recursive: true });
  cpSync(join(ROOT, "package.json"), join(install, "package.json"));
  execFileSync(process.execPath, [join(ROOT, "scripts/build-cli.mjs"), install], { stdio: "pipe" });
  bundle = join(install, "dist/cli/charthouse.cjs");
  cache = `${bundle}.v8-cache`;
}, 120_000);

describe("the bundled CLI and V8's code cache beside it", () => {
  it("is built with a cache written by a warm-up run, which later runs use as it is", () => {
    expect(existsSync(bundle)).toBe(true);
    const written = readFileSync(cache);
    expect(written.length).toBeGreaterThan(0);
    const run = charthouse(PLAN);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^charthouse plan: nightly 20261124/);
    // Accepted: not written again.
    expect(readFileSync(cache).equals(written)).toBe(true);
  });

  it("plans the same without a cache, and writes one", () => {
    const withCache = charthouse(PLAN).stdout;
    rmSync(cache);
    const run = charthouse(PLAN);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toBe(withCache);
    expect(existsSync(cache)).toBe(true);
  });

  it("ignores a cache it cannot use (another Node, a damaged file) and writes a good one", () => {
    const expected = charthouse(PLAN).stdout;
    const garbage = Buffer.from("not V8's cached data, or that of another Node version".repeat(100));
    writeFileSync(cache, garbage);
    const run = charthouse(PLAN);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toBe(expected);
    expect(readFileSync(cache).equals(garbage)).toBe(false);
    expect(charthouse(PLAN).stdout).toBe(expected);
  });

  it("answers --version from package.json and errors as the CLI does", () => {
    const version = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;
    expect(charthouse(["--version"]).stdout).toBe(`${version}\n`);
    const wrong = charthouse(["plan", "--nope"]);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toMatch(/unknown option '--nope'/);
  });
});
