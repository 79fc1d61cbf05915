import type { PolicyConfig } from "../config/types.js";

/** What the CI files need to know of the project and of where charthouse comes from. */
export interface CiOptions {
  readonly policy: PolicyConfig;
  /**
   * The Dagger module to call: a git address at a release (`github.com/…/charthouse@v0.1.0`),
   * or "." for charthouse's own repository, which calls itself.
   */
  readonly module: string;
  /** The Dagger CLI version, the SDK's. */
  readonly daggerVersion: string;
  /** Commands run before the gates (charthouse's own `npm test`; none for an adopter). */
  readonly extraTests?: readonly string[];
}

/** The Dagger CLI version that matches the SDK the module is built with. */
export const DAGGER_VERSION = "0.21.9";

/** `dagger call …` for the module: `-m` and `--source .` unless the repository is the module. */
export function daggerCall(module: string, fn: string, args: readonly string[]): string {
  const target = module === "." ? ["dagger", "call"] : ["dagger", "-m", module, "call"];
  const source = module === "." ? [] : ["--source", "."];
  return [...target, fn, ...source, ...args].join(" ");
}
