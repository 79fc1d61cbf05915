import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { circleciConfig, DAGGER_VERSION, githubWorkflow } from "../ci-files/index.js";
import { DEFAULT_POLICY } from "../config/types.js";
import { ConfigError } from "../errors.js";
import { detectProject } from "./detect-project.js";
import { renderConfig } from "./render-config.js";

export type CiKind = "circleci" | "github";

export interface InitOptions {
  readonly root: string;
  readonly ci: CiKind;
  /** Where the charthouse Dagger module lives (a git address at a release). */
  readonly module: string;
  readonly force?: boolean;
}

/** The files `charthouse init` writes, by path relative to the project. */
export function initFiles(o: InitOptions): Record<string, string> {
  if (!statSync(o.root, { throwIfNoEntry: false })?.isDirectory()) {
    throw new ConfigError(`${o.root} is not a directory: run charthouse init in the project's directory, or name it (charthouse init path/to/project)`);
  }
  const facts = detectProject(o.root);
  const ci = { policy: DEFAULT_POLICY, daggerVersion: DAGGER_VERSION };
  return {
    "charthouse.yaml": renderConfig(facts),
    "dagger.json": blueprintConfig(facts.name, o.module),
    ...(o.ci === "circleci" ? { ".circleci/config.yml": circleciConfig(ci) } : { ".github/workflows/charthouse.yml": githubWorkflow(ci) }),
  };
}

/**
 * A dagger.json with charthouse as the project's blueprint: `dagger call publish` in the
 * project runs charthouse's functions with the project's repository as their context
 * (so `source` defaults to it), with no module of the project's own and no SDK.
 */
export function blueprintConfig(name: string, module: string): string {
  const config = { name, engineVersion: `v${DAGGER_VERSION}`, blueprint: { name: "charthouse", source: module } };
  return `${JSON.stringify(config, null, 2)}\n`;
}

/** Writes them, refusing (before writing anything) to overwrite a file without `force`. */
export function initProject(o: InitOptions): string[] {
  const files = initFiles(o);
  const existing = Object.keys(files).filter((path) => existsSync(join(o.root, path)));
  if (existing.length && !o.force) {
    throw new ConfigError(`${existing.join(", ")} already exist${existing.length === 1 ? "s" : ""}; nothing was written. Move them aside, or pass --force to overwrite them`);
  }
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(o.root, path)), { recursive: true });
    writeFileSync(join(o.root, path), content);
  }
  return Object.keys(files);
}
