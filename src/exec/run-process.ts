import { spawn } from "node:child_process";

export interface ProcessResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** stdout and stderr interleaved, as a person would have seen them. */
  readonly output: string;
  readonly stdout: string;
}

export interface ProcessOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  readonly input?: string | Buffer;
  /** Aborting kills the process (SIGTERM, then SIGKILL). */
  readonly signal?: AbortSignal;
  /** Called with each chunk of output as it arrives. */
  readonly onOutput?: (chunk: string) => void;
}

/** Runs a command to its end and tells how it ended; never throws for a non-zero exit. */
export function runProcess(
  command: string,
  args: readonly string[],
  opts: ProcessOptions = {},
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) {
      resolve({ code: null, signal: "SIGTERM", output: "", stdout: "" });
      return;
    }
    const child = spawn(command, args, {
      env: opts.env ?? process.env,
      cwd: opts.cwd,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let output = "";
    let stdout = "";
    const take = (chunk: Buffer, isStdout: boolean) => {
      const text = chunk.toString();
      output += text;
      if (isStdout) stdout += text;
      opts.onOutput?.(text);
    };
    child.stdout.on("data", (d: Buffer) => take(d, true));
    child.stderr.on("data", (d: Buffer) => take(d, false));
    const abort = () => {
      child.kill("SIGTERM");
      setTimeout(() => child.exitCode === null && child.kill("SIGKILL"), 5000).unref();
    };
    opts.signal?.addEventListener("abort", abort, { once: true });
    child.on("error", (error) => {
      opts.signal?.removeEventListener("abort", abort);
      reject(error);
    });
    child.on("close", (code, signal) => {
      opts.signal?.removeEventListener("abort", abort);
      resolve({ code, signal, output, stdout });
    });
    child.stdin.on("error", () => undefined);
    child.stdin.end(opts.input ?? "");
  });
}
