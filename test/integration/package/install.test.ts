import { execFileSync } from "node:child_process";
import { cpSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempTree } from "../../kit/temp-dir.js";

const ROOT = new URL("../../..", import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };

describe("charthouse installed as a user would: npm pack, then npm install of the tarball in a new prefix", () => {
  it("the installed charthouse answers --version, plans the example and inits a repository", () => {
    const work = tempTree();
    // npm pack runs `prepare`, which builds dist/: the tarball carries the compiled CLI.
    const tarball = execFileSync("npm", ["pack", "--pack-destination", work, "--silent"], {
      cwd: ROOT,
      encoding: "utf8",
    })
      .trim()
      .split("\n")
      .pop()!;
    // The test kit (throwaway registries, dockerd starter, fakes) is for charthouse's own tests: never shipped,
    // not even as a stale build left in dist/ by an older layout.
    const shipped = execFileSync("tar", ["-tzf", join(work, tarball)], { encoding: "utf8" })
      .split("\n")
      .filter(Boolean);
    expect(shipped).toContain("package/dist/cli/charthouse.cjs");
    expect(shipped).toContain("package/dist/cli/charthouse.cjs.v8-cache");
    // The bundle is what bin/charthouse.js loads; no compiled copy of src/ beside it.
    expect(shipped.filter((f) => f.startsWith("package/dist/") && !f.startsWith("package/dist/cli/"))).toEqual([]);
    expect(
      shipped.filter((f) => /^package\/(test|dist\/test|dist\/src\/local)\/|registry-server|free-port|dockerd/.test(f)),
    ).toEqual([]);
    const prefix = join(work, "prefix");
    execFileSync(
      "npm",
      ["install", "--global", "--prefix", prefix, "--prefer-offline", "--no-audit", "--no-fund", join(work, tarball)],
      { cwd: work, stdio: "pipe" },
    );
    const charthouse = (args: string[], cwd = work) =>
      execFileSync(join(prefix, "bin/charthouse"), args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

    expect(charthouse(["--version"]).trim()).toBe(pkg.version);
    const plan = charthouse([
      "plan",
      "--config",
      join(ROOT, "examples/hyrax/charthouse.yaml"),
      "--nightly",
      "--date",
      "2026-11-24",
      "--sha",
      "1".repeat(40),
    ]);
    expect(plan).toMatch(/^charthouse plan: nightly 20261124/);

    const repo = join(work, "repo");
    cpSync(join(ROOT, "examples/hyrax"), repo, { recursive: true });
    rmSync(join(repo, "charthouse.yaml"));
    expect(charthouse(["init", repo])).toMatch(
      /wrote charthouse\.yaml, dagger\.json, \.github\/workflows\/charthouse\.yml/,
    );
    expect(readdirSync(repo)).toEqual(expect.arrayContaining(["charthouse.yaml", "dagger.json"]));
  }, 180_000);
});
