import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { circleciConfig, DAGGER_VERSION, githubWorkflow, type CiOptions } from "../ci-files/index.js";
import { DEFAULT_POLICY } from "../config/types.js";
import { ConfigError } from "../errors.js";
import { detectProject } from "./detect-project.js";
import { learnCheckoutMajor } from "./learn-checkout.js";
import { learnFromRepository } from "./learn.js";
import { renderConfig, type LearnedRow } from "./render-config.js";

export type CiKind = "circleci" | "github";

export interface InitOptions {
  readonly root: string;
  readonly ci: CiKind;
  /** Where the charthouse Dagger module lives (a git address at a release). */
  readonly module: string;
  readonly force?: boolean;
}

/** What init writes (by path relative to the project), and what it noticed for the person. */
export interface InitPlan {
  readonly files: Readonly<Record<string, string>>;
  /** What it learned, each with its source: the table init closes with. */
  readonly learned: readonly LearnedRow[];
  /** References in the repository's files to what is not there or not published (a target, an image), left out. */
  readonly stale: readonly string[];
  /** What could not be evaluated (an expression, a variable) or is older (a tag pattern): reported, never copied. */
  readonly notes: readonly string[];
  /** What a person must still write. */
  readonly todo: readonly string[];
  /** Workflow files and jobs the written CI supersedes; left untouched. */
  readonly supersedes: readonly string[];
}

/** The files `charthouse init` writes, learned from what the repository already says. */
export function initFiles(o: InitOptions): Record<string, string> {
  return planInit(o).files;
}

export function planInit(o: InitOptions): InitPlan {
  if (!statSync(o.root, { throwIfNoEntry: false })?.isDirectory()) {
    throw new ConfigError(
      `${o.root} is not a directory: run charthouse init in the project's directory, or name it (charthouse init ` +
        "path/to/project)",
    );
  }
  const facts = detectProject(o.root);
  const learned = learnFromRepository(o.root, facts);
  const config = renderConfig(facts, learned);
  // The CI file fires on the tags the project really pushes.
  const policy = {
    ...DEFAULT_POLICY,
    releaseTag: learned.patterns.releaseTag,
    chartReleaseTag: learned.patterns.chartReleaseTag,
    versions: learned.patterns.versions,
  };
  // The workflow checks out as the repository's own workflows already do.
  const checkout = learnCheckoutMajor(o.root);
  const ci: CiOptions = { policy, daggerVersion: DAGGER_VERSION, ...(checkout ? { checkout } : {}) };
  return {
    files: filesFor(o, facts.name, config.text, ci),
    learned: config.learned,
    stale: learned.stale,
    notes: learned.notes,
    todo: config.todo,
    supersedes: learned.supersedes,
  };
}

function filesFor(o: InitOptions, name: string, config: string, ci: CiOptions): Record<string, string> {
  return {
    "charthouse.yaml": config,
    "dagger.json": blueprintConfig(name, o.module),
    ...(o.ci === "circleci"
      ? { ".circleci/config.yml": circleciConfig(ci) }
      : { ".github/workflows/charthouse.yml": githubWorkflow(ci) }),
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
export function initProject(o: InitOptions): InitPlan & { readonly written: string[] } {
  const plan = planInit(o);
  const files = plan.files;
  const existing = Object.keys(files).filter((path) => existsSync(join(o.root, path)));
  if (existing.length && !o.force) {
    throw new ConfigError(
      `${existing.join(", ")} already exist${existing.length === 1 ? "s" : ""}; nothing was written. Move them ` +
        "aside, or pass --force to overwrite them",
    );
  }
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(o.root, path)), { recursive: true });
    writeFileSync(join(o.root, path), content);
  }
  return { ...plan, written: Object.keys(files) };
}
