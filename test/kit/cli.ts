import { runCli } from "../../src/cli/program.js";

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in-process with a clean environment and a fixed clock. */
export async function charthouse(
  args: string[],
  opts: { env?: Record<string, string>; cwd?: string; now?: Date; stdin?: string } = {},
): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(args, {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    env: { PATH: process.env.PATH, ...opts.env },
    cwd: opts.cwd ?? new URL("../..", import.meta.url).pathname,
    now: () => opts.now ?? new Date("2026-11-24T03:00:00Z"),
    stdin: async () => opts.stdin ?? "",
  });
  return { code, stdout, stderr };
}
