import { execFileSync } from "node:child_process";
import type { GitFacts } from "./detect-context.js";

/** Reads HEAD's commit, branch and commit time from the checkout at `cwd`; undefined outside one. */
export function readGitFacts(cwd: string): GitFacts | undefined {
  const git = (...args: string[]): string | undefined => {
    try {
      return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim() || undefined;
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
