import type { ProcessResult } from "../exec/run-process.js";

/** A step that did not succeed: what went wrong in one line, and the full output to show. */
export class StepFailed extends Error {
  constructor(
    message: string,
    readonly output = "",
    readonly cancelled = false,
  ) {
    super(message);
  }
  static cancelled(): StepFailed {
    return new StepFailed("interrupted", "", true);
  }
}

/** What the step handlers need of the Docker engine. */
export interface DockerContext {
  readonly runId: string;
  readonly signal: AbortSignal;
  /** Runs docker; a non-zero exit throws StepFailed with `what` and the output. */
  docker(args: string[], what: string): Promise<ProcessResult>;
  /** Runs docker and returns how it ended, whatever that was. */
  dockerResult(args: string[], opts?: { ignoreAbort?: boolean }): Promise<ProcessResult>;
}
