import { runProcess } from "../../src/exec/run-process.js";

/** Runs a tool to completion, feeding `input`; rejects with its output on a non-zero exit. */
export async function execTool(
  command: string,
  args: readonly string[],
  opts: { input?: string | Buffer; env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<{ stdout: string; output: string }> {
  const result = await runProcess(command, args, opts);
  if (result.code !== 0)
    throw new Error(`${command} ${args.join(" ")} exited ${result.code ?? result.signal}: ${result.output.trim()}`);
  return result;
}
