import { processIo } from "./io.js";
import { runCli } from "./program.js";

/**
 * The command line's entry: bundled into dist/cli/charthouse.cjs (scripts/build-cli.mjs), which bin/charthouse.js
 * runs. Returns the exit code.
 */
export async function main(argv: readonly string[]): Promise<number> {
  // Piped into a reader that stops early (`charthouse --help | head -1`): stop quietly, as a shell tool does.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
  return runCli(argv, processIo());
}
