import { existsSync, readFileSync, statSync } from "node:fs";

/**
 * The project's files as config validation sees them: the local filesystem for the CLI,
 * or files fetched through the Dagger API for the module, which has no filesystem of
 * the project. Paths are absolute.
 */
export interface ProjectFiles {
  readText(path: string): string | undefined;
  isDirectory(path: string): boolean;
  exists(path: string): boolean;
}

export const nodeFiles: ProjectFiles = {
  readText: (path) => {
    try {
      return readFileSync(path, "utf8");
    } catch {
      return undefined;
    }
  },
  isDirectory: (path) => {
    try {
      return statSync(path).isDirectory();
    } catch {
      return false;
    }
  },
  exists: (path) => existsSync(path),
};

/**
 * Files known in memory. Every path asked for but not known is remembered in
 * `missing`, so a caller that fetches lazily (the Dagger module) can fetch those and
 * validate again until nothing is missing.
 */
export class MemoryFiles implements ProjectFiles {
  readonly missing = new Set<string>();
  constructor(
    private readonly files: Map<string, string> = new Map(),
    private readonly directories: Set<string> = new Set(),
    /** Paths fetched and found absent. */
    private readonly absent: Set<string> = new Set(),
  ) {}
  addFile(path: string, text: string): void {
    this.files.set(path, text);
  }
  addDirectory(path: string): void {
    this.directories.add(path);
  }
  addAbsent(path: string): void {
    this.absent.add(path);
  }
  readText(path: string): string | undefined {
    if (this.files.has(path)) return this.files.get(path);
    this.ask(path);
    return undefined;
  }
  isDirectory(path: string): boolean {
    if (this.directories.has(path)) return true;
    if (!this.files.has(path)) this.ask(path);
    return false;
  }
  exists(path: string): boolean {
    if (this.files.has(path) || this.directories.has(path)) return true;
    this.ask(path);
    return false;
  }
  private ask(path: string): void {
    if (!this.absent.has(path)) this.missing.add(path);
  }
}
