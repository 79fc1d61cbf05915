import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { GitFacts } from "./detect-context.js";
import { headFacts, refOf } from "./git-files.js";
import { commitTimeFromObjects } from "./git-objects.js";

/**
 * Reads HEAD's commit, branch and commit time for the checkout at `cwd`; undefined outside
 * one. From the `.git` directory's files and objects when it has them (no process to
 * start; a worktree's too), else from git itself (a partial clone, a `--shared` one).
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
  const dirs = gitDirs(join(dir, ".git"));
  if (!dirs) return undefined;
  const { gitDir, commonDir } = dirs;
  const text = (base: string, path: string) =>
    existsSync(join(base, path)) ? readFileSync(join(base, path), "utf8") : undefined;
  const head = text(gitDir, "HEAD")?.trim();
  const ref = head && refOf(head);
  const facts =
    head === undefined
      ? undefined
      : headFacts(head, ref ? text(commonDir, ref) : undefined, ref ? text(commonDir, "packed-refs") : undefined);
  const committedAt = facts?.commit && commitTimeFromObjects(commonDir, facts.commit);
  if (!facts?.commit || !committedAt) return undefined;
  return {
    ...facts,
    committedAt,
    commitTime: (sha) => commitTimeFromObjects(commonDir, sha) ?? fromGit(cwd)?.commitTime?.(sha),
  };
}

/**
 * Where HEAD lives (`gitDir`) and where refs and objects do (`commonDir`): both the `.git` directory, or for a
 * worktree, whose `.git` is a file (`gitdir: …`), its own directory under the main repository's `.git/worktrees`
 * and the main `.git` (named by its `commondir` file).
 */
function gitDirs(dotGit: string): { gitDir: string; commonDir: string } | undefined {
  if (statSync(dotGit).isDirectory()) return { gitDir: dotGit, commonDir: dotGit };
  const pointer = readFileSync(dotGit, "utf8")
    .match(/^gitdir: (.+)$/m)?.[1]
    ?.trim();
  if (!pointer) return undefined;
  const gitDir = resolve(dirname(dotGit), pointer);
  const common = join(gitDir, "commondir");
  if (!existsSync(gitDir) || !existsSync(common)) return undefined;
  return { gitDir, commonDir: resolve(gitDir, readFileSync(common, "utf8").trim()) };
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
