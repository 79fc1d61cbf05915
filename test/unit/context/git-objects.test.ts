import { projectFilesInMemory } from "../../kit/project-files-in-memory.js";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { deflateSync } from "node:zlib";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { commitTimeFromObjects, readObject } from "../../../src/context/git-objects.js";

import { tempTree } from "../../kit/temp-dir.js";

// What `git show -s --format=%cI` says, in UTC: the reference the reader must match.
const gitTime = (repo: string, sha: string) =>
  new Date(execFileSync("git", ["show", "-s", "--format=%cI", sha], { cwd: repo, encoding: "utf8" }).trim())
    .toISOString()
    .replace(".000Z", "Z");
const git = (repo: string, ...args: string[]) =>
  execFileSync("git", args, { cwd: repo, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();

/** Appends `line` to the file f and commits it as `message`, committed at `date`. */
function commitLine(repo: string, line: string, message: string, date: string): void {
  execFileSync("sh", ["-c", 'echo "$1" >> f && git add f', "sh", line], { cwd: repo });
  execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-F", "-"], {
    cwd: repo,
    input: message,
    env: { ...process.env, GIT_COMMITTER_DATE: date },
  });
}

/** A repository of 40 commits with similar messages and times in several time zones. */
function history(): string {
  const repo = tempTree();
  git(repo, "init", "-q");
  for (let i = 1; i <= 40; i++) {
    commitLine(
      repo,
      `line ${i}`,
      `a long similar commit message number ${i} with many identical words, so that repack deltifies commits`,
      `2026-0${(i % 9) + 1}-1${i % 10}T10:0${i % 6}:00${i % 2 ? "+0200" : "-0500"}`,
    );
  }
  return repo;
}

describe("a commit's time from git's object store, without git (the Dagger module's `created`)", () => {
  it("reads loose objects", () => {
    const repo = history();
    expect(readdirSync(join(repo, ".git/objects/pack")).filter((f) => f.endsWith(".pack"))).toEqual([]);
    for (const sha of git(repo, "rev-list", "--all").split("\n"))
      expect(commitTimeFromObjects(join(repo, ".git"), sha)).toBe(gitTime(repo, sha));
    const head = git(repo, "rev-parse", "HEAD");
    expect(
      readObject(join(repo, ".git"), head)!.data.equals(
        execFileSync("git", ["cat-file", "commit", head], { cwd: repo }),
      ),
    ).toBe(true);
  });

  it("reads packed objects, deltified commits among them", () => {
    const repo = history();
    git(repo, "repack", "-adf", "--window=250", "--depth=50", "-q");
    const verify = git(
      repo,
      "verify-pack",
      "-v",
      ...readdirSync(join(repo, ".git/objects/pack"))
        .filter((f) => f.endsWith(".idx"))
        .map((f) => join(".git/objects/pack", f)),
    );
    // A delta's line has its chain depth and base: the packed reader must apply deltas to pass.
    expect(
      verify.split("\n").filter((l) => / commit /.test(l) && l.trim().split(/\s+/).length >= 7).length,
    ).toBeGreaterThan(0);
    for (const sha of git(repo, "rev-list", "--all").split("\n"))
      expect(commitTimeFromObjects(join(repo, ".git"), sha)).toBe(gitTime(repo, sha));
  });

  it("reads deltas that name their base by sha (REF_DELTA, as packs written without offsets have)", () => {
    const repo = history();
    git(repo, "-c", "repack.useDeltaBaseOffset=false", "repack", "-adf", "--window=250", "--depth=50", "-q");
    for (const sha of git(repo, "rev-list", "--all").split("\n"))
      expect(commitTimeFromObjects(join(repo, ".git"), sha)).toBe(gitTime(repo, sha));
  });

  it("finds, in a pack, commits at both ends of the index (first byte 00 and ff)", () => {
    const repo = history();
    const tree = git(repo, "rev-parse", "HEAD^{tree}");
    // Commit objects written by hand (git's loose format) until one sha starts 00 and one ff:
    // thousands of git processes would take seconds.
    const ends: Record<string, string> = {};
    for (let i = 0; !(ends["00"] && ends["ff"]) && i < 100_000; i++) {
      const body = Buffer.from(
        `tree ${tree}\nauthor t <t@example.org> 1777593600 +0000\n` +
          `committer t <t@example.org> ${1777593600 + i} +0000\n\nprobe ${i}\n`,
      );
      const raw = Buffer.concat([Buffer.from(`commit ${body.length}\0`), body]);
      const sha = createHash("sha1").update(raw).digest("hex");
      const first = sha.slice(0, 2);
      if ((first === "00" || first === "ff") && !ends[first]) {
        ends[first] = sha;
        mkdirSync(join(repo, ".git/objects", first), { recursive: true });
        writeFileSync(join(repo, ".git/objects", first, sha.slice(2)), deflateSync(raw));
        git(repo, "update-ref", `refs/heads/end-${first}`, sha);
      }
    }
    git(repo, "repack", "-adf", "-q");
    git(repo, "prune");
    expect(Object.keys(ends).sort()).toEqual(["00", "ff"]);
    for (const sha of Object.values(ends))
      expect(existsSync(join(repo, ".git/objects", sha.slice(0, 2), sha.slice(2)))).toBe(false);
    for (const sha of Object.values(ends))
      expect(commitTimeFromObjects(join(repo, ".git"), sha)).toBe(gitTime(repo, sha));
    // And a sha the pack lacks, in a populated and in an empty fanout bucket.
    expect(commitTimeFromObjects(join(repo, ".git"), `00${"0".repeat(38)}`)).toBeUndefined();
    expect(commitTimeFromObjects(join(repo, ".git"), "f".repeat(40))).toBeUndefined();
  });

  it("says nothing of an object that is not a commit", () => {
    const repo = history();
    expect(commitTimeFromObjects(join(repo, ".git"), git(repo, "rev-parse", "HEAD^{tree}"))).toBeUndefined();
    git(repo, "repack", "-adf", "-q");
    expect(commitTimeFromObjects(join(repo, ".git"), git(repo, "rev-parse", "HEAD^{tree}"))).toBeUndefined();
    expect(commitTimeFromObjects(join(repo, ".git"), git(repo, "rev-parse", "HEAD:f"))).toBeUndefined();
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
    const { readGitFacts } = await import("../../../src/context/read-git.js");
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

/** A small repository: `n` commits on `main`, committer times a day apart. */
function small(n = 3): string {
  const repo = tempTree();
  git(repo, "init", "-q", "-b", "main");
  for (let i = 1; i <= n; i++) commitLine(repo, String(i), `c${i}`, `2026-03-0${i}T12:00:00+0100`);
  return repo;
}

describe("the run's git facts in every shape a checkout comes in", () => {
  it("says nothing outside a repository", async () => {
    const { readGitFacts } = await import("../../../src/context/read-git.js");
    expect(readGitFacts(tempTree({ "a/b/file": "x" }) + "/a/b")).toBeUndefined();
  });

  it("finds the checkout from a directory deep inside it, on a branch whose ref is a loose file", async () => {
    const { readGitFacts } = await import("../../../src/context/read-git.js");
    const repo = small();
    execFileSync("mkdir", ["-p", join(repo, "charts/hyrax/templates")]);
    const facts = readGitFacts(join(repo, "charts/hyrax/templates"))!;
    expect(facts).toMatchObject({
      commit: git(repo, "rev-parse", "HEAD"),
      branch: "main",
      committedAt: "2026-03-03T11:00:00Z",
    });
    expect(facts.commitTime!(git(repo, "rev-parse", "HEAD~2"))).toBe("2026-03-01T11:00:00Z");
  });

  it("gives a detached HEAD's commit and no branch", async () => {
    const { readGitFacts } = await import("../../../src/context/read-git.js");
    const repo = small();
    git(repo, "checkout", "-q", "--detach", "HEAD~1");
    const facts = readGitFacts(repo)!;
    expect(facts.commit).toBe(git(repo, "rev-parse", "HEAD"));
    expect(facts.branch).toBeUndefined();
    expect(facts.committedAt).toBe("2026-03-02T11:00:00Z");
  });

  it("says nothing of a repository with no commit yet", async () => {
    const { readGitFacts } = await import("../../../src/context/read-git.js");
    const repo = tempTree();
    git(repo, "init", "-q", "-b", "main");
    expect(readGitFacts(repo)).toBeUndefined();
  });

  it("gives what git gives in a worktree, whose .git is a file", async () => {
    const { readGitFacts } = await import("../../../src/context/read-git.js");
    const repo = small();
    const tree = join(tempTree(), "wt");
    git(repo, "worktree", "add", "-q", "-b", "backport/5.0", tree, "HEAD~1");
    const facts = readGitFacts(tree)!;
    // Times from git are in the committer's zone; the same instant as the object reader's UTC.
    expect(facts.commit).toBe(git(repo, "rev-parse", "HEAD~1"));
    expect(facts.branch).toBe("backport/5.0");
    expect(new Date(facts.committedAt!).toISOString()).toBe("2026-03-02T11:00:00.000Z");
    expect(new Date(facts.commitTime!(git(repo, "rev-parse", "HEAD~2"))!).toISOString()).toBe(
      "2026-03-01T11:00:00.000Z",
    );
    expect(facts.commitTime!("0".repeat(40))).toBeUndefined();
  });

  it("reads a worktree's files too, whose .git is a file naming its directory: no git process", async () => {
    const { readGitFacts } = await import("../../../src/context/read-git.js");
    const repo = small();
    git(repo, "pack-refs", "--all");
    const tree = join(tempTree(), "wt");
    git(repo, "worktree", "add", "-q", "-b", "backport/5.1", tree, "HEAD~1");
    const [head, older] = [git(repo, "rev-parse", "HEAD~1"), git(repo, "rev-parse", "HEAD~2")];
    const path = process.env.PATH;
    process.env.PATH = tempTree(); // git cannot be found: only the files can answer
    try {
      const facts = readGitFacts(join(tree, "."))!;
      expect(facts).toMatchObject({ commit: head, branch: "backport/5.1", committedAt: "2026-03-02T11:00:00Z" });
      expect(facts.commitTime!(older)).toBe("2026-03-01T11:00:00Z");
    } finally {
      process.env.PATH = path;
    }
  });

  it("asks git for HEAD when its object lives in another repository's store (a --shared clone)", async () => {
    const { readGitFacts } = await import("../../../src/context/read-git.js");
    const origin = small();
    const clone = join(tempTree(), "clone");
    execFileSync("git", ["clone", "-q", "--shared", origin, clone]);
    const facts = readGitFacts(clone)!;
    expect(facts.commit).toBe(git(origin, "rev-parse", "HEAD"));
    expect(facts.branch).toBe("main");
    expect(new Date(facts.committedAt!).toISOString()).toBe("2026-03-03T11:00:00.000Z");
  });

  it("reads HEAD from its own files and asks git only for an older commit it does not hold", async () => {
    const { readGitFacts } = await import("../../../src/context/read-git.js");
    const origin = small();
    const clone = join(tempTree(), "clone");
    execFileSync("git", ["clone", "-q", "--shared", origin, clone]);
    commitLine(clone, "local", "local", "2026-04-01T08:00:00Z");
    const facts = readGitFacts(clone)!;
    expect(facts.committedAt).toBe("2026-04-01T08:00:00Z");
    expect(new Date(facts.commitTime!(git(origin, "rev-parse", "HEAD"))!).toISOString()).toBe(
      "2026-03-03T11:00:00.000Z",
    );
  });
});

describe("HEAD's commit and branch from a checkout's files, read through ProjectFiles (the Dagger module)", () => {
  const S = "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d";
  const S2 = "ffffeeee0000111122223333444455556666aaaa";
  const reader = (files: Record<string, string>) => projectFilesInMemory(files);

  it.each([
    ["a detached HEAD", { ".git/HEAD": `${S}\n` }, { commit: S }],
    [
      "a loose branch ref",
      { ".git/HEAD": "ref: refs/heads/main\n", ".git/refs/heads/main": `${S}\n` },
      { commit: S, branch: "main" },
    ],
    [
      "the loose ref over packed-refs",
      {
        ".git/HEAD": "ref: refs/heads/main\n",
        ".git/refs/heads/main": `${S}\n`,
        ".git/packed-refs": `# pack-refs with: peeled\n${S2} refs/heads/main\n`,
      },
      { commit: S, branch: "main" },
    ],
    [
      "a packed branch ref",
      {
        ".git/HEAD": "ref: refs/heads/release/5.x\n",
        ".git/packed-refs": `# pack-refs with: peeled\n${S2} refs/heads/main-old\n${S} refs/heads/release/5.x\n`,
      },
      { commit: S, branch: "release/5.x" },
    ],
    [
      "a ref whose name only ends like the branch",
      { ".git/HEAD": "ref: refs/heads/x\n", ".git/packed-refs": `${S2} refs/heads/main/x\n` },
      { branch: "x" },
    ],
    ["an unborn branch", { ".git/HEAD": "ref: refs/heads/main\n" }, { branch: "main" }],
    [
      "a ref that is not a sha",
      { ".git/HEAD": "ref: refs/heads/main\n", ".git/refs/heads/main": "nonsense\n" },
      { branch: "main" },
    ],
    [
      "a SHA-256 ref",
      { ".git/HEAD": "ref: refs/heads/main\n", ".git/refs/heads/main": `${S}${S.slice(0, 24)}\n` },
      { branch: "main" },
    ],
  ])("%s", async (_name, files, expected) => {
    const { gitFactsFromFiles } = await import("../../../src/context/git-files.js");
    expect(await gitFactsFromFiles(reader(files))).toStrictEqual(expected);
  });

  it.each([
    ["no .git at all", {}],
    ["a HEAD pointing outside refs/heads", { ".git/HEAD": "ref: refs/tags/v1\n" }],
    ["a HEAD that is neither", { ".git/HEAD": "garbage\n" }],
    ["a short sha", { ".git/HEAD": `${S.slice(0, 39)}\n` }],
    ["a SHA-256 repository's detached HEAD (git is asked instead)", { ".git/HEAD": `${S}${S.slice(0, 24)}\n` }],
  ])("nothing from %s", async (_name, files) => {
    const { gitFactsFromFiles } = await import("../../../src/context/git-files.js");
    expect(await gitFactsFromFiles(reader(files))).toBeUndefined();
  });
});

describe("a commit's time from git's object store: the harder shapes", () => {
  it("applies deltas between large commits (multi-byte sizes and offsets, 64 KiB copies)", () => {
    const repo = tempTree();
    git(repo, "init", "-q");
    // ~270 KB
    const body = Array.from({ length: 6000 }, (_, i) => `line ${i} of a long release note that repeats`).join("\n");
    for (let i = 1; i <= 6; i++) {
      // Each message differs from the last deep inside, so the delta copies long runs from far into its base.
      const message =
        `release ${i}\n\n${body.slice(0, 100_000 + i * 7919)}\nchanged ${i}\n` + `${body.slice(100_000 + i * 7919)}`;
      commitLine(repo, String(i), message, `2026-06-0${i}T10:00:00+0000`);
    }
    git(repo, "repack", "-adf", "--window=50", "--depth=10", "-q");
    const verify = git(
      repo,
      "verify-pack",
      "-v",
      ...readdirSync(join(repo, ".git/objects/pack"))
        .filter((f) => f.endsWith(".idx"))
        .map((f) => join(".git/objects/pack", f)),
    );
    expect(
      verify.split("\n").filter((l) => / commit /.test(l) && l.trim().split(/\s+/).length >= 7).length,
    ).toBeGreaterThan(0);
    for (const sha of git(repo, "rev-list", "--all").split("\n")) {
      expect(commitTimeFromObjects(join(repo, ".git"), sha)).toBe(gitTime(repo, sha));
      // The whole object, byte for byte: a delta applied wrong past the committer line would pass the time check alone.
      const object = readObject(join(repo, ".git"), sha)!;
      expect(object.type).toBe("commit");
      expect(object.data.equals(execFileSync("git", ["cat-file", "commit", sha], { cwd: repo }))).toBe(true);
    }
  });

  it("says nothing (so git is asked) of a version 1 pack index", () => {
    const repo = history();
    git(repo, "-c", "pack.indexVersion=1", "repack", "-adf", "-q");
    expect(commitTimeFromObjects(join(repo, ".git"), git(repo, "rev-parse", "HEAD"))).toBeUndefined();
  });

  it("says nothing of a blob that reads like a commit, and takes the committer time from the end of the line", () => {
    const repo = history();
    const blob = execFileSync("git", ["hash-object", "-w", "--stdin"], {
      cwd: repo,
      input: "tree x\ncommitter t <t@example.org> 1777593600 +0000\n",
      encoding: "utf8",
    }).trim();
    expect(commitTimeFromObjects(join(repo, ".git"), blob)).toBeUndefined();
    // A committer whose name holds " 5 +0100": the time is the last number before the zone.
    const tree = git(repo, "rev-parse", "HEAD^{tree}");
    const commit = execFileSync("git", ["commit-tree", tree, "-m", "odd name"], {
      cwd: repo,
      encoding: "utf8",
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: "a",
        GIT_AUTHOR_EMAIL: "a@example.org",
        GIT_COMMITTER_NAME: "b 5 +0100",
        GIT_COMMITTER_EMAIL: "b@example.org",
        GIT_COMMITTER_DATE: "2026-07-01T00:00:00Z",
      },
    }).trim();
    expect(commitTimeFromObjects(join(repo, ".git"), commit)).toBe("2026-07-01T00:00:00Z");
  });

  it("says nothing of a missing object in a store without a pack directory", () => {
    const repo = history();
    rmSync(join(repo, ".git/objects/pack"), { recursive: true });
    expect(commitTimeFromObjects(join(repo, ".git"), "e".repeat(40))).toBeUndefined();
    expect(commitTimeFromObjects(join(repo, ".git"), git(repo, "rev-parse", "HEAD"))).toBe(gitTime(repo, "HEAD"));
  });
});
