import { join } from "node:path";
import { parseConfig, plainHttpHosts } from "../config/index.js";
import { gitFactsFromFiles, type ContextFlags, type GitFacts } from "../context/index.js";
import { ConfigError } from "../errors.js";
import type { Command } from "../pipeline/index.js";
import { projectPath, withinRoot, type ProjectFiles } from "../project-files/project-files.js";
import { RegistryClient, type Credentials } from "../registry/index.js";
import { prepareRun, requireConfig, type PreparedRun } from "./prepare-run.js";

/**
 * The `root` of a project read through an API, as the Dagger module reads its source Directory: no directory on
 * any disk, the name the config's paths (and so the plan's) are given.
 */
export const SOURCE_ROOT = "/project";

/** Whether a command plans against what the registry holds (it publishes, or shows what publishing would do). */
export function readsRegistry(command: Command | "plan"): boolean {
  return command === "publish" || command === "plan";
}

/**
 * prepareRun for a project seen only through its files, as the Dagger module sees it (nothing beyond its root):
 * the config validated reading only the files it names, HEAD's commit and branch from the git files (or
 * `flags.sha`), that commit's time from `commitTime` (not file reading: the module reads git's object store in a
 * container), the registry read when the command needs it.
 */
export async function prepareFromFiles(
  project: ProjectFiles,
  request: {
    readonly command: Command | "plan";
    /** The config file, relative to the project's root. */
    readonly configFile: string;
    readonly flags: ContextFlags;
    /** The committer time of a commit (ISO 8601), undefined when it cannot be told. */
    readonly commitTime: (commit: string) => Promise<string | undefined>;
    readonly credentials?: Credentials;
    readonly now: Date;
  },
): Promise<PreparedRun & { readonly client: RegistryClient }> {
  const files = withinRoot(project);
  const path = projectPath(request.configFile);
  const found = await files.read(path);
  if (found.kind !== "file")
    throw new ConfigError(
      `cannot read ${join(files.root, path)}: ` +
        "pass the project's directory, holding charthouse.yaml (or name it with --config)",
    );
  const config = requireConfig(await parseConfig(found.text, files, path), request.configFile, files.root);
  const client = new RegistryClient({ credentials: request.credentials, plainHttpHosts: plainHttpHosts(config) });
  const prepared = await prepareRun({
    config,
    flags: request.flags,
    env: {},
    git: await gitFacts(files, request.commitTime, request.flags.sha),
    now: request.now,
    state: readsRegistry(request.command) ? { kind: "registry", client } : { kind: "none" },
  });
  return { ...prepared, client };
}

async function gitFacts(
  files: ProjectFiles,
  commitTime: (commit: string) => Promise<string | undefined>,
  sha: string | undefined,
): Promise<GitFacts | undefined> {
  const head = await gitFactsFromFiles(files);
  const commit = sha?.toLowerCase() ?? head?.commit;
  if (!commit || !/^[0-9a-f]{40}$/.test(commit)) return head;
  const committedAt = await commitTime(commit);
  return { ...(sha ? {} : head), commit, ...(committedAt ? { committedAt } : {}) };
}
