import { processIo } from "./io.js";

// Piped into a reader that stops early (`charthouse --help | head -1`): stop quietly, as a shell tool does.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  });
}

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-V")) {
  // Answered before the command line library loads: a version check costs what node costs.
  process.stdout.write(`${(await import("./version.js")).charthouseVersion()}\n`);
} else {
  process.exitCode = await (await import("./program.js")).runCli(argv, processIo());
}
