import type { ContextFlags } from "../../context/index.js";
import type { Command } from "../../pipeline/index.js";
import { runRelease, StepFailed, type ReleaseOutcome, type ReleaseRequest } from "../../release/index.js";
import { renderResult } from "../../render/render-result.js";

/** A Dagger function's run arguments as flags: "" and false are arguments not given. */
export function givenFlags(given: {
  nightly?: boolean;
  tag?: string;
  branch?: string;
  pr?: boolean;
  sha?: string;
  date?: string;
}): ContextFlags {
  const { nightly, tag, branch, pr, sha, date } = given;
  return {
    nightly,
    tag: tag || undefined,
    branch: branch || undefined,
    pr: pr || undefined,
    sha: sha || undefined,
    date: date || undefined,
  };
}

/**
 * runRelease as a Dagger function reports it: `text` is the progress and the closing
 * summary. A function's error is all `dagger call` shows of a failed run, so the progress
 * with the failing step's output (redacted by the run's reporter) goes into the error.
 */
export async function runReleaseLogged<Image, Services, Chart, Package>(
  request: Omit<ReleaseRequest<Image, Services, Chart, Package>, "write"> & { readonly command: Command },
): Promise<ReleaseOutcome<Image, Package> & { readonly text: string }> {
  let log = "";
  const outcome = await runRelease({ ...request, write: (text) => void (log += text) }).catch((error: unknown) => {
    throw new Error(`${(error as Error).message}\n\n${log}`, { cause: error });
  });
  return { ...outcome, text: `${log}${renderResult(outcome.result, request.command)}` };
}

/** The registry credentials a function was given: none without a password; a password needs its username. */
export function givenCredentials<S>(
  username: string,
  password: S | undefined,
): { readonly username: string; readonly password: S } | undefined {
  if (!password) return undefined;
  if (!username) throw new Error("--registry-password needs --registry-username (the account the token belongs to)");
  return { username, password };
}

/** A failed Dagger exec as the step's failure: the engine's message, and the command's output to show. */
export function execFailure(error: unknown): StepFailed {
  const e = error as { message: string; stdout?: string; stderr?: string };
  return new StepFailed(e.message, [e.stdout, e.stderr].filter(Boolean).join("\n"));
}
