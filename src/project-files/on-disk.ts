import { readFile, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { ProjectEntry, ProjectFiles } from "./project-files.js";

/** The project in the directory `root` on this machine's disk: the CLI's. */
export function projectFilesOnDisk(root: string): ProjectFiles {
  const dir = resolve(root);
  return { root: dir, read: (path) => readEntry(join(dir, path)) };
}

async function readEntry(file: string): Promise<ProjectEntry> {
  // Symbolic links are followed, as git checkouts and docker build contexts follow them; a broken one is absent.
  const found = await stat(file).catch(() => undefined);
  if (found === undefined) return { kind: "absent" };
  if (found.isDirectory()) return { kind: "directory" };
  try {
    return { kind: "file", text: await readFile(file, "utf8") };
  } catch {
    return { kind: "unreadable" };
  }
}
