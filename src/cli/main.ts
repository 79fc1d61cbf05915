import { processIo } from "./io.js";
import { runCli } from "./program.js";

// Piped into a reader that stops early (`charthouse --help | head -1`): stop quietly, as a shell tool does.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  });
}

process.exitCode = await runCli(process.argv.slice(2), processIo());
