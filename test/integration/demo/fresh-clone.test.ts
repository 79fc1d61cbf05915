// INTEGRATION, SLOW (minutes): README's first command on a fresh clone, with no node_modules and no dist. It runs
// `npm ci` (from npm's cache when warm), builds, and publishes the example for real, as a newcomer's first minutes do.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = new URL("../../..", import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), "charthouse-fresh-clone-"));
// Removing a whole node_modules takes a while on a busy machine: its own hook, with its own time.
afterAll(() => rmSync(work, { recursive: true, force: true }), 10 * 60_000);

describe("npm run demo on a fresh clone (integration: minutes)", () => {
  it(
    "installs what it needs (npm ci), builds, and publishes the example nightly: exit 0",
    () => {
      const clone = join(work, "charthouse");
      // A clone of what is committed: no node_modules, no dist, nothing left over from this checkout.
      expect(spawnSync("git", ["clone", "--quiet", "--no-hardlinks", ROOT, clone]).status).toBe(0);
      expect(existsSync(join(clone, "node_modules"))).toBe(false);
      expect(existsSync(join(clone, "dist"))).toBe(false);
      // The environment a person has: not the test run's npm, vitest or node_modules/.bin on PATH.
      const PATH = (process.env.PATH ?? "")
        .split(":")
        .filter((dir) => !dir.includes("node_modules"))
        .join(":");
      const env = Object.fromEntries(
        Object.entries(process.env).filter(([key]) => !/^(npm_|VITEST|NODE_OPTIONS)/.test(key)),
      );
      const demo = spawnSync("npm", ["run", "demo"], {
        cwd: clone,
        env: { ...env, PATH },
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
        timeout: 30 * 60_000,
      });
      const output = `${demo.stdout}\n${demo.stderr}`;
      expect(demo.status, output.slice(-4000)).toBe(0);
      // Each line of the demo starts with a bold "demo:".
      expect(output).toMatch(/demo:(\x1b\[0m)? installing the npm dependencies \(npm ci/);
      expect(output).toMatch(/\$ skopeo list-tags .*samvera\/dassie/);
      expect(output).toMatch(/"nightly-\d{8}"/);
      expect(existsSync(join(clone, "node_modules/.bin/tsc"))).toBe(true);
      // npm's install-script warnings are settled: every script is allowed or denied in package.json.
      expect(output).not.toMatch(/install scripts not yet covered by allowScripts/);
    },
    35 * 60_000,
  );
});
