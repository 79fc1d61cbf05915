/**
 * The few kinds of failure charthouse reports, each with the exit code the CLI
 * documents. Callers check them with `instanceof`; the CLI prints `message` as one
 * paragraph and the stack only under `--debug`.
 */

import { ExitCode } from "./exit-codes.js";

export { ExitCode } from "./exit-codes.js";

export abstract class CharthouseError extends Error {
  abstract readonly exitCode: ExitCode;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad input the user can fix: a config file, a flag, a missing tool. */
export class ConfigError extends CharthouseError {
  readonly exitCode = ExitCode.usage;
}

/** The plan would break a policy (overwrite an immutable tag, release a lower version). */
export class PolicyRefusal extends CharthouseError {
  readonly exitCode = ExitCode.refused;
}

/** A gate (build, smoke test, test suite, lint) failed: nothing was published. */
export class GateFailure extends CharthouseError {
  readonly exitCode = ExitCode.gateFailed;
}

/** A push failed after the gates passed; `pushed` says what did reach the registry. */
export class PublishFailure extends CharthouseError {
  readonly exitCode = ExitCode.publishFailed;
  constructor(
    message: string,
    readonly pushed: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The run was interrupted; its containers and network were removed and no alias was moved after it. */
export class RunCancelled extends CharthouseError {
  readonly exitCode = ExitCode.cancelled;
}

/** The registry answered with an error, or could not be reached within the retry budget. */
export class RegistryError extends CharthouseError {
  readonly exitCode = ExitCode.failure;
  constructor(
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A config file with problems: each one located; the message lists them all. */
export class ConfigProblemsError extends ConfigError {
  constructor(
    readonly file: string,
    readonly problems: readonly {
      readonly line: number;
      readonly column: number;
      readonly field: string;
      readonly message: string;
      readonly fix: string;
      readonly file: string;
    }[],
    formatted: readonly string[],
  ) {
    super(
      `${file} has ${problems.length} ` +
        `problem${problems.length === 1 ? "" : "s"}:\n${formatted.map((l) => `  ${l}`).join("\n")}`,
    );
  }
}
