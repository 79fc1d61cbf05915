import { posix } from "node:path";

/**
 * A path inside a project, relative to its root, POSIX, normalised (`chart/hyrax/Chart.yaml`, `.` for the root).
 * Branded so an absolute path (what config and engines hold) cannot be handed to a reader by mistake: make one
 * with `projectPath`. It may climb out of the root with `..` (a build context beside the project): the disk reads
 * there; a project seen through an API holds nothing there (`withinRoot`).
 */
export type ProjectPath = string & { readonly __projectPath: true };

/** `path`, relative to the project's root, as a ProjectPath; an absolute path is a bug of the caller. */
export function projectPath(path: string): ProjectPath {
  if (posix.isAbsolute(path)) throw new Error(`bug: ${path} is absolute; a project's files are read by relative path`);
  return posix.normalize(path || ".").replace(/(.)\/$/, "$1") as ProjectPath;
}

/**
 * What is at a project path: a file and its text, a directory, nothing, or something there whose text cannot be
 * read (a file without read permission: the disk's case; config validation tells it from a missing file).
 */
export type ProjectEntry =
  | { readonly kind: "file"; readonly text: string }
  | { readonly kind: "directory" }
  | { readonly kind: "absent" }
  | { readonly kind: "unreadable" };

/**
 * The one way charthouse reads a project's files: config validation (charthouse.yaml, Dockerfiles, Chart.yaml and
 * values.yaml), git's HEAD and refs, chart staging. Asynchronous because the Dagger module can only ask its source
 * Directory through the API; the CLI reads the disk (`projectFilesOnDisk`), tests a map (test/kit).
 */
export interface ProjectFiles {
  /**
   * The project's directory as absolute paths name it: what the config's paths (its root, contexts, Dockerfiles,
   * charts) are resolved under. The directory itself on disk; a stand-in name (`/project`) for an API's view.
   */
  readonly root: string;
  read(path: ProjectPath): Promise<ProjectEntry>;
}

/** The text of the file at `path`; undefined when there is none (or it is a directory, or unreadable). */
export async function readText(files: ProjectFiles, path: ProjectPath): Promise<string | undefined> {
  const entry = await files.read(path);
  return entry.kind === "file" ? entry.text : undefined;
}

/**
 * The project seen from one of its folders, paths relative to it: the folder holding the config, which the plan's
 * paths are relative to when charthouse.yaml is not at the top of the source (`--config deploy/charthouse.yaml`).
 */
export function inFolder(files: ProjectFiles, folder: ProjectPath): ProjectFiles {
  if (folder === ".") return files;
  return {
    root: posix.join(files.root, folder),
    read: (path) => files.read(projectPath(posix.join(folder, path))),
  };
}

/**
 * `files`, with nothing beyond the root: a path that climbs out of it is absent. For a project seen through an API
 * (the Dagger module's source Directory), which holds nothing outside the project and need not be asked.
 */
export function withinRoot(files: ProjectFiles): ProjectFiles {
  return {
    root: files.root,
    read: async (path) => (path === ".." || path.startsWith("../") ? { kind: "absent" } : files.read(path)),
  };
}
