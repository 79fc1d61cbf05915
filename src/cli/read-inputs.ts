import { readFileSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { formatProblem, loadConfig, type Config, type ConfigProblem, type ConfigResult } from "../config/index.js";
import { ConfigError, ConfigProblemsError } from "../errors.js";
import { EMPTY_STATE, parseRegistryState } from "../plan/index.js";
import { projectFilesOnDisk, projectPath } from "../project-files/index.js";
import type { RegistryState } from "../registry/index.js";
import type { CliIo } from "./io.js";

export interface ConfigOptions {
  readonly config: string;
}

/** The CLI's project: the directory of its charthouse.yaml, on disk; the config validated (loadConfig). */
export function loadConfigFile(path: string): Promise<ConfigResult> {
  return loadConfig(projectFilesOnDisk(dirname(path)), projectPath(basename(path)));
}

/** Loads the config or throws every problem in it at once. Warnings go to `warn`. */
export async function readConfig(file: string, io: CliIo): Promise<Config> {
  const path = resolve(io.cwd, file);
  const result = await loadConfigFile(path);
  for (const w of result.warnings) io.stderr(`warning: ${formatProblem(w, io.cwd)}\n`);
  if (!result.ok) throw problemsError(path, result.errors, io);
  return result.config;
}

export function problemsError(path: string, problems: readonly ConfigProblem[], io: CliIo): ConfigProblemsError {
  return new ConfigProblemsError(
    path,
    problems,
    problems.map((p) => formatProblem(p, io.cwd)),
  );
}

/** A saved registry state, or the empty one when no file is given. */
export function readRegistryStateFile(file: string | undefined, io: CliIo): RegistryState {
  if (!file) return EMPTY_STATE;
  let text: string;
  try {
    text = readFileSync(resolve(io.cwd, file), "utf8");
  } catch (cause) {
    throw new ConfigError(`cannot read --registry-state ${file}: ${(cause as NodeJS.ErrnoException).code ?? cause}`, {
      cause,
    });
  }
  return parseRegistryState(text, file);
}
