import type { PolicyConfig } from "../config/types.js";

/** What the CI files need to know of the project and of where charthouse comes from. */
export interface CiOptions {
  readonly policy: PolicyConfig;
  /** The Dagger CLI version, the SDK's. */
  readonly daggerVersion: string;
  /** Commands run before the gates (charthouse's own `npm test`; none for an adopter). */
  readonly extraTests?: readonly string[];
}

/** The Dagger CLI version that matches the SDK the module is built with. */
export const DAGGER_VERSION = "0.21.9";

/**
 * `dagger call --sha <commit> <fn> …`, plain: charthouse's own repository is the module, and an
 * adopter's dagger.json makes charthouse its blueprint, so in both the functions are the
 * repository's own and their source defaults to the repository. The commit is the module
 * object's, declared once before the function.
 */
export function daggerCall(commit: string, fn: string, args: readonly string[]): string {
  return ["dagger", "call", "--sha", commit, fn, ...args].join(" ");
}

/** The Dagger CLI installed where the next step finds it: /usr/local/bin, already on PATH. */
export const INSTALL_DAGGER = "curl -fsSL https://dl.dagger.io/dagger/install.sh | BIN_DIR=/usr/local/bin sudo -E sh";
