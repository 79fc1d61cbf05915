import type { PolicyConfig } from "../config/types.js";

/** What the CI files need to know of the project and of where charthouse comes from. */
export interface CiOptions {
  readonly policy: PolicyConfig;
  /** The Dagger CLI version, the SDK's. */
  readonly daggerVersion: string;
  /** Commands run before the gates (charthouse's own `npm test`; none for an adopter). */
  readonly extraTests?: readonly string[];
  /**
   * The `actions/checkout` reference GitHub workflows use, e.g. `v6`: the one the repository's own workflows already
   * use (`charthouse init` reads them), else CHECKOUT_VERSION.
   */
  readonly checkout?: string;
}

/** The Dagger CLI version that matches the SDK the module is built with. */
export const DAGGER_VERSION = "0.21.8";

/** The newest major version of `actions/checkout`, for a repository whose workflows name none. */
export const CHECKOUT_VERSION = "v7";

/**
 * Dagger's own action, at its newest release: it installs the CLI at its `version` input and runs `dagger <verb>
 * <args>`. It publishes no moving major tag (v8 releases are immutable), so a release is named.
 */
export const DAGGER_ACTION = "dagger/dagger-for-github@v8.4.1";

/**
 * `dagger call --sha <commit> <fn> …`, plain: charthouse's own repository is the module, and an
 * adopter's dagger.json makes charthouse its blueprint, so in both the functions are the
 * repository's own and their source defaults to the repository. The commit is the module
 * object's, declared once before the function.
 */
export function daggerCall(commit: string, fn: string, args: readonly string[]): string {
  return ["dagger", "call", ...callArgs(commit, fn, args)].join(" ");
}

/** What follows `dagger call`: the object's commit, then the function and its arguments. */
export function callArgs(commit: string, fn: string, args: readonly string[]): string[] {
  return ["--sha", commit, fn, ...args];
}

/** The Dagger CLI installed where the next step finds it: /usr/local/bin, already on PATH. */
export const INSTALL_DAGGER = "curl -fsSL https://dl.dagger.io/dagger/install.sh | BIN_DIR=/usr/local/bin sudo -E sh";

/**
 * `key: value` indented by `indent`, or, when that line would pass 120 characters, `key: >-` with the value folded
 * before its options (` --flag`): YAML reads the folded lines back as the same one-line string, so CI runs the very
 * same command, and a person reads it without scrolling.
 */
export function yamlEntry(indent: number, key: string, value: string): string {
  const pad = " ".repeat(indent);
  const line = `${pad}${key}: ${value}`;
  // Folding turns each line break into one space: only a value with single spaces and none at its ends folds back.
  if (line.length <= 120 || /\s\s|^\s|\s$|\n/.test(value)) return line;
  const folded: string[] = [];
  for (const part of value.split(/ (?=--)/)) {
    const last = folded.length - 1;
    if (last >= 0 && pad.length + 2 + folded[last]!.length + 1 + part.length <= 120) folded[last] += ` ${part}`;
    else folded.push(part);
  }
  return [`${pad}${key}: >-`, ...folded.map((part) => `${pad}  ${part}`)].join("\n");
}
