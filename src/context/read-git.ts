import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import type { GitFacts } from "./detect-context.js";
import { headFacts, refOf } from "./git-files.js";
import { commitTimeFromObjects } from "./git-objects.js";

/**
 * Reads HEAD's commit, branch and commit time for the checkout at `cwd`; undefined outside
 * one. From the `.git` directory's files and objects when it has them (no process to
 * start), else from git itself (a worktree's `.git` file, a partial clone).
 */
export function readGitFacts(cwd: string): GitFacts | undefined {
  return fromFiles(cwd) ?? fromGit(cwd);
}

function fromFiles(cwd: string): GitFacts | undefined {
  let dir = cwd;
  while (!existsSync(join(dir, ".git"))) {
    if (dirname(dir) === dir) return undefined;
    dir = dirname(dir);
  }
  const gitDir = join(dir, ".git");
  if (!statSync(gitDir).isDirectory()) return undefined;
  const text = (path: string) =>
    existsSync(join(gitDir, path)) ? readFileSync(join(gitDir, path), "utf8") : undefined;
  const head = text("HEAD")?.trim();
  const ref = head && refOf(head);
  const facts =
    head === undefined
      ? undefined
      : headFacts(head, ref ? text(ref) : undefined, ref ? text("packed-refs") : undefined);
  const committedAt = facts?.commit && commitTimeFromObjects(gitDir, facts.commit);
  if (!facts?.commit || !committedAt) return undefined;
  return {
    ...facts,
    committedAt,
    commitTime: (sha) => commitTimeFromObjects(gitDir, sha) ?? fromGit(cwd)?.commitTime?.(sha),
  };
}

function fromGit(cwd: string): GitFacts | undefined {
  const git = (...args: string[]): string | undefined => {
    try {
      return (
        execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim() || undefined
      );
    } catch {
      return undefined;
    }
  };
  const commit = git("rev-parse", "HEAD");
  if (!commit) return undefined;
  return {
    commit,
    branch: git("symbolic-ref", "--short", "-q", "HEAD"),
    committedAt: git("show", "-s", "--format=%cI", "HEAD"),
    commitTime: (sha) => git("show", "-s", "--format=%cI", sha),
  };
}
