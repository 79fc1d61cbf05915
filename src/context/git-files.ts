import type { GitFacts } from "./detect-context.js";

/**
 * HEAD's commit and branch read from a checkout's `.git` files (HEAD, refs/heads/*,
 * packed-refs), for callers that see the files but cannot run git: the Dagger module
 * reads them through its source Directory. The commit time is not in these files.
 */
export async function gitFactsFromFiles(read: (path: string) => Promise<string | undefined>): Promise<GitFacts | undefined> {
  const head = (await read(".git/HEAD"))?.trim();
  if (!head) return undefined;
  if (/^[0-9a-f]{40}$/.test(head)) return { commit: head };
  const ref = head.match(/^ref: (refs\/heads\/(.+))$/);
  if (!ref) return undefined;
  const loose = (await read(`.git/${ref[1]}`))?.trim();
  const packed = loose ? undefined : (await read(".git/packed-refs"))?.split("\n").find((line) => line.endsWith(` ${ref[1]}`))?.split(" ")[0];
  const commit = loose ?? packed;
  return commit && /^[0-9a-f]{40}$/.test(commit) ? { commit, branch: ref[2] } : { branch: ref[2] };
}
