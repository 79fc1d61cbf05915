/**
 * What charthouse prints under --json, one type per command: the contract machines read.
 * `npm run generate` writes schemas/<name>.schema.json from these types; the
 * package ships them, and the tests validate real outputs against them.
 */
import type { ConfigProblem } from "../config/types.js";
import type { Step } from "../pipeline/index.js";
import type { Plan } from "../plan/types.js";
import type { PreflightResult } from "../registry/preflight.js";
import type { RunResult } from "../release/run-release.js";
import type { SyncResult } from "../updater/sync.js";

/** `charthouse plan --json`: the plan and the ordered steps a run walks. Paths are relative to the project. */
export interface PlanJson extends Plan {
  readonly steps: readonly Step[];
}

/** `charthouse publish|test|lint|package --json`: what the run did. */
export type PublishJson = RunResult;

/** `charthouse sync --json`: one log line per run. */
export interface SyncJson extends SyncResult {
  readonly version: 1;
  /** When the decision was made, ISO 8601. */
  readonly ts: string;
  /** Why the webhook could not be told, when it could not. */
  readonly webhook?: string;
}

/** `charthouse check --json`: whether charthouse.yaml is valid, and every problem. */
export interface CheckJson {
  readonly version: 1;
  /** The config file, relative to the working directory. */
  readonly file: string;
  readonly valid: boolean;
  readonly problems: readonly ConfigProblem[];
  readonly warnings: readonly ConfigProblem[];
  /** What a valid file declares. */
  readonly declares?: { readonly images: number; readonly charts: number; readonly services: number };
  /** With --online: whether the credentials may push to each repository. */
  readonly push?: readonly PreflightResult[];
}

/** Any command under --json that fails: what went wrong, and the exit code it ends with. */
export interface ErrorJson {
  readonly version: 1;
  readonly error: {
    /** The exit code. */
    readonly code: number;
    /** ConfigError, PolicyRefusal, GateFailure, PublishFailure, RunCancelled, RegistryError, or UnexpectedError. */
    readonly kind: string;
    readonly message: string;
    /** A config error's problems, each located (file relative to the working directory). */
    readonly problems?: readonly ConfigProblem[];
  };
}
