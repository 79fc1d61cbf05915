import type { ReadProjectText } from "../chart/stage-recipe.js";
import { loadConfigLazily, type Fetched } from "../config/index.js";
import { gitFactsFromFiles, type ContextFlags, type GitFacts } from "../context/index.js";
import type { Command } from "../pipeline/index.js";
import { RegistryClient, type Credentials } from "../registry/index.js";
import { prepareRun, requireConfig, type PreparedRun } from "./prepare-run.js";

/**
 * A project seen only through an API, as the Dagger module sees its source Directory:
 * what is at a project-relative path, and the time of a commit (read from the
 * project's git objects wherever the files are).
 */
export interface ProjectView {
  fetch(path: string): Promise<Fetched>;
  commitTime(commit: string): Promise<string | undefined>;
}

/**
 * The text of a project-relative file read through the view (undefined when it is not a file): how chart staging reads
 * it.
 */
export function readTextOf(view: Pick<ProjectView, "fetch">): ReadProjectText {
  return async (path) => {
    const found = await view.fetch(path);
    return found.kind === "file" ? found.text : undefined;
  };
}

/** Where the plan's paths put the project when it is read through a view. */
export const VIEW_ROOT = "/project";

/** Whether a command plans against what the registry holds (it publishes, or shows what publishing would do). */
export function readsRegistry(command: Command | "plan"): boolean {
  return command === "publish" || command === "plan";
}

/**
 * prepareRun for a project read through a view: the config validated fetching only the
 * files it names, HEAD's commit and branch from the git files (or `flags.sha`) and that
 * commit's time from its objects, the registry read when the command needs it.
 */
export async function prepareFromView(
  view: ProjectView,
  request: {
    readonly command: Command | "plan";
    readonly configFile: string;
    readonly flags: ContextFlags;
    readonly credentials?: Credentials;
    readonly now: Date;
  },
): Promise<PreparedRun & { readonly client: RegistryClient }> {
  const at = (path: string) => (path === VIEW_ROOT ? "." : path.slice(VIEW_ROOT.length + 1));
  const config = requireConfig(
    await loadConfigLazily(`${VIEW_ROOT}/${request.configFile}`, (path) => view.fetch(at(path))),
    request.configFile,
    VIEW_ROOT,
  );
  const client = new RegistryClient({ credentials: request.credentials });
  const prepared = await prepareRun({
    config,
    flags: request.flags,
    env: {},
    git: await gitFacts(view, request.flags.sha),
    now: request.now,
    state: readsRegistry(request.command) ? { kind: "registry", client } : { kind: "none" },
  });
  return { ...prepared, client };
}

async function gitFacts(view: ProjectView, sha: string | undefined): Promise<GitFacts | undefined> {
  const head = await gitFactsFromFiles(readTextOf(view));
  const commit = sha?.toLowerCase() ?? head?.commit;
  if (!commit || !/^[0-9a-f]{40}$/.test(commit)) return head;
  const committedAt = await view.commitTime(commit);
  return { ...(sha ? {} : head), commit, ...(committedAt ? { committedAt } : {}) };
}
