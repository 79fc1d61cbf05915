import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { onTestFinished } from "vitest";

const leftovers = new Set<string>();
process.once("exit", () => {
  for (const dir of leftovers) rmSync(dir, { recursive: true, force: true });
});

/**
 * A temp directory holding `files` (path → content), removed when the test ends (or, made in a hook, when the suite's
 * process exits).
 */
export function tempTree(files: Record<string, string> = {}): string {
  const root = mkdtempSync(join(tmpdir(), "charthouse-test-"));
  try {
    onTestFinished(() => rmSync(root, { recursive: true, force: true }));
  } catch {
    leftovers.add(root);
  }
  writeTree(root, files);
  return root;
}

export function writeTree(root: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
}

/** Every regular file under `root` whose bytes contain `needle` (for secret-leak checks). */
export function filesContaining(root: string, needle: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(root, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    if (readFileSync(path).includes(needle)) found.push(path);
  }
  return found;
}

/** A copy of examples/hyrax whose charthouse.yaml publishes to `registry` (e.g. 127.0.0.1:5000/samvera). */
export function exampleProject(registry: string): string {
  const root = tempTree();
  cpSync(new URL("../../examples/hyrax", import.meta.url).pathname, root, { recursive: true });
  const file = join(root, "charthouse.yaml");
  writeFileSync(file, readFileSync(file, "utf8").replace("registry: ghcr.io/samvera", `registry: ${registry}`));
  return root;
}
