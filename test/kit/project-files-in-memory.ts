import { projectPath, type ProjectEntry, type ProjectFiles } from "../../src/project-files/index.js";

/**
 * A project held in memory, path → text, for tests: every directory on the way to a file is there, and the root.
 * `root` is the absolute name the config's paths get (`/project`, as test/kit's builders use).
 */
export function projectFilesInMemory(files: Readonly<Record<string, string>>, root = "/project"): ProjectFiles {
  const texts = new Map(Object.entries(files).map(([path, text]) => [projectPath(path) as string, text]));
  const directories = new Set(["."]);
  for (const path of texts.keys()) {
    const parts = path.split("/");
    for (let depth = 1; depth < parts.length; depth++) directories.add(parts.slice(0, depth).join("/"));
  }
  return {
    root,
    read: async (path): Promise<ProjectEntry> => {
      const text = texts.get(path);
      if (text !== undefined) return { kind: "file", text };
      return directories.has(path) ? { kind: "directory" } : { kind: "absent" };
    },
  };
}
