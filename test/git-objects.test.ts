import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { commitTimeFromObjects } from "../src/context/git-objects.js";
import { tempTree } from "./helpers/temp-dir.js";

// What `git show -s --format=%cI` says, in UTC: the reference the reader must match.
const gitTime = (repo: string, sha: string) => new Date(execFileSync("git", ["show", "-s", "--format=%cI", sha], { cwd: repo, encoding: "utf8" }).trim()).toISOString().replace(".000Z", "Z");
const git = (repo: string, ...args: string[]) => execFileSync("git", args, { cwd: repo, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();

/** A repository of 40 commits with similar messages and times in several time zones. */
function history(): string {
  const repo = tempTree();
  git(repo, "init", "-q");
  for (let i = 1; i <= 40; i++) {
    execFileSync("sh", ["-c", `echo line ${i} >> f && git add f`], { cwd: repo });
    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", `a long similar commit message number ${i} with many identical words, so that repack deltifies commits`], {
      cwd: repo,
      env: { ...process.env, GIT_COMMITTER_DATE: `2026-0${(i % 9) + 1}-1${i % 10}T10:0${i % 6}:00${i % 2 ? "+0200" : "-0500"}` },
    });
  }
  return repo;
}

describe("a commit's time from git's object store, without git (the Dagger module's `created`)", () => {
  it("reads loose objects", () => {
    const repo = history();
    expect(readdirSync(join(repo, ".git/objects/pack")).filter((f) => f.endsWith(".pack"))).toEqual([]);
    for (const sha of git(repo, "rev-list", "--all").split("\n")) expect(commitTimeFromObjects(join(repo, ".git"), sha)).toBe(gitTime(repo, sha));
  });

  it("reads packed objects, deltified commits among them", () => {
    const repo = history();
    git(repo, "repack", "-adf", "--window=250", "--depth=50", "-q");
    const verify = git(repo, "verify-pack", "-v", ...readdirSync(join(repo, ".git/objects/pack")).filter((f) => f.endsWith(".idx")).map((f) => join(".git/objects/pack", f)));
    // A delta's line has its chain depth and base: the packed reader must apply deltas to pass.
    expect(verify.split("\n").filter((l) => / commit /.test(l) && l.trim().split(/\s+/).length >= 7).length).toBeGreaterThan(0);
    for (const sha of git(repo, "rev-list", "--all").split("\n")) expect(commitTimeFromObjects(join(repo, ".git"), sha)).toBe(gitTime(repo, sha));
  });

  it("reads a shallow clone's HEAD, and says nothing of a commit the clone lacks", () => {
    const origin = history();
    const clone = join(tempTree(), "clone");
    execFileSync("git", ["clone", "-q", "--depth", "1", `file://${origin}`, clone]);
    const head = git(clone, "rev-parse", "HEAD");
    expect(commitTimeFromObjects(join(clone, ".git"), head)).toBe(gitTime(origin, head));
    const older = git(origin, "rev-parse", "HEAD~5");
    expect(commitTimeFromObjects(join(clone, ".git"), older)).toBeUndefined();
  });
});

describe("the run's git facts, read from the checkout's files when it can", () => {
  it("gives what git gives: commit, branch and commit time, packed refs and all", async () => {
    const { readGitFacts } = await import("../src/context/read-git.js");
    const repo = history();
    git(repo, "checkout", "-q", "-b", "release/5.x");
    git(repo, "pack-refs", "--all");
    const facts = readGitFacts(join(repo, "sub-dir-that-does-not-matter", ".."))!;
    expect(facts.commit).toBe(git(repo, "rev-parse", "HEAD"));
    expect(facts.branch).toBe("release/5.x");
    expect(new Date(facts.committedAt!).toISOString()).toBe(new Date(gitTime(repo, "HEAD")).toISOString());
    const older = git(repo, "rev-parse", "HEAD~3");
    expect(facts.commitTime!(older)).toBe(gitTime(repo, older));
  });
});
