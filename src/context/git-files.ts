import { projectPath, readText, type ProjectFiles } from "../project-files/project-files.js";
import type { GitFacts } from "./detect-context.js";

/**
 * HEAD's commit and branch read from the project's `.git` files (HEAD, refs/heads/*,
 * packed-refs), for callers that see the files but cannot run git: the Dagger module
 * reads them through its source Directory. The commit time is not in these files.
 */
export async function gitFactsFromFiles(project: ProjectFiles): Promise<GitFacts | undefined> {
  const read = (path: string) => readText(project, projectPath(path));
  const head = (await read(".git/HEAD"))?.trim();
  const ref = head && refOf(head);
  return head === undefined
    ? undefined
    : headFacts(head, ref ? await read(`.git/${ref}`) : undefined, ref ? await read(".git/packed-refs") : undefined);
}

/** The ref HEAD points at (`refs/heads/main`), or undefined for a detached HEAD. */
export function refOf(head: string): string | undefined {
  return head.match(/^ref: (refs\/heads\/.+)$/)?.[1];
}

/** HEAD's commit and branch from the text of HEAD, its loose ref file and packed-refs. */
export function headFacts(head: string, loose: string | undefined, packed: string | undefined): GitFacts | undefined {
  if (/^[0-9a-f]{40}$/.test(head)) return { commit: head };
  const ref = refOf(head);
  if (!ref) return undefined;
  const commit =
    loose?.trim() ||
    packed
      ?.split("\n")
      .find((line) => line.endsWith(` ${ref}`))
      ?.split(" ")[0];
  const branch = ref.slice("refs/heads/".length);
  return commit && /^[0-9a-f]{40}$/.test(commit) ? { commit, branch } : { branch };
}
