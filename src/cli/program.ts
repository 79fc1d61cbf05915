import { Command, CommanderError } from "commander";
import { CharthouseError, ExitCode } from "../errors.js";
import { registerCheck } from "./commands/check.js";
import { registerPlan } from "./commands/plan.js";
import { registerPublish } from "./commands/publish.js";
import { registerInit } from "./commands/init.js";
import { registerSync } from "./commands/sync.js";
import type { Cluster } from "../updater/index.js";
import type { CliIo } from "./io.js";
import { charthouseVersion } from "./version.js";

const EXIT_CODES = `
Exit codes:
  0  done (published, or nothing to do)
  1  unexpected failure (a registry that cannot be reached, a bug)
  2  usage or config error: fix the flags or charthouse.yaml
  3  policy refusal: the run would overwrite an immutable tag or release a lower version
  4  a gate failed: nothing was published
  5  a publish failed: the error lists what was and was not pushed
  130  interrupted (Ctrl-C): the run's containers and network were removed, no alias moved`;

/** The `charthouse` command line; each command parses, calls the library, renders. */
export function createProgram(io: CliIo, cluster?: Cluster, setExitCode: (code: number) => void = () => undefined): Command {
  const program = new Command("charthouse")
    .description(
      "Builds a project's container images, tests them, lints and packages its Helm charts, and publishes " +
        "both to an OCI registry: nightly with a datestamp, releases on git tags. The same plan runs under " +
        "`dagger call publish` and, on a plain Docker engine, under `charthouse publish`.",
    )
    .version(charthouseVersion(), "-V, --version", "print charthouse's version")
    .option("--debug", "print stack traces of errors")
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr, getOutHelpWidth: () => 100, getErrHelpWidth: () => 100 })
    .showHelpAfterError("(run with --help for usage)")
    .addHelpText("after", EXIT_CODES)
    .exitOverride();
  registerPlan(program, io);
  registerCheck(program, io);
  registerPublish(program, io);
  registerInit(program, io);
  registerSync(program, io, setExitCode, cluster);
  for (const command of program.commands) command.addHelpText("after", EXIT_CODES).exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr, getOutHelpWidth: () => 100, getErrHelpWidth: () => 100 });
  return program;
}

/** Runs the CLI and returns its exit code; errors become one clear paragraph. */
export async function runCli(argv: readonly string[], io: CliIo, cluster?: Cluster): Promise<number> {
  // A command may set its own exit code (sync tells up to date from upgraded).
  let exitCode: number = ExitCode.ok;
  const program = createProgram(io, cluster, (code) => (exitCode = code));
  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are "errors" to commander; usage mistakes exit 2.
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    const debug = argv.includes("--debug");
    if (error instanceof CharthouseError) {
      io.stderr(`charthouse: ${error.message}\n`);
      if (debug && error.stack) io.stderr(`${error.stack}\n`);
      return error.exitCode;
    }
    io.stderr(`charthouse: unexpected error: ${(error as Error).message ?? String(error)}\n`);
    io.stderr(debug ? `${(error as Error).stack}\n` : "Run again with --debug for the stack trace, and report it.\n");
    return ExitCode.failure;
  }
}
