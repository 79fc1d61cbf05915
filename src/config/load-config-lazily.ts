import { ConfigError } from "../errors.js";
import { parseConfig } from "./load-config.js";
import { MemoryFiles } from "./project-files.js";
import type { ConfigResult } from "./types.js";

/** What a lazy fetch found at a path. */
export type Fetched =
  { readonly kind: "file"; readonly text: string } | { readonly kind: "directory" } | { readonly kind: "absent" };

/**
 * Validates the charthouse.yaml at `path` fetching only the files validation asks for
 * (Dockerfiles, Chart.yaml of charts and their local dependencies), round by round,
 * until nothing is missing: how the Dagger module reads a project through its API.
 */
export async function loadConfigLazily(
  path: string,
  fetch: (path: string) => Promise<Fetched>,
  maxRounds = 8,
): Promise<ConfigResult> {
  const files = new MemoryFiles();
  const take = async (p: string) => {
    const found = await fetch(p);
    if (found.kind === "file") files.addFile(p, found.text);
    else if (found.kind === "directory") files.addDirectory(p);
    else files.addAbsent(p);
  };
  await take(path);
  const text = files.readText(path);
  if (text === undefined)
    throw new ConfigError(
      `cannot read ${path}: pass the project's directory, holding charthouse.yaml (or name it with --config)`,
    );
  for (let round = 0; round < maxRounds; round++) {
    files.missing.clear();
    const result = parseConfig(text, path, files);
    if (files.missing.size === 0) return result;
    await Promise.all([...files.missing].map(take));
  }
  throw new Error(`bug: validating ${path} still asked for new files after ${maxRounds} rounds`);
}
