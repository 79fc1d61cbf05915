import { Command, CommanderError } from "commander";
import { relative } from "node:path";
import { CharthouseError, ConfigProblemsError, ExitCode } from "../errors.js";
import { exitCodesOf, type CommandName } from "../exit-codes.js";
import type { ErrorJson } from "./json-output.js";
import type { Cluster } from "../updater/index.js";
import type { CliIo } from "./io.js";
import { charthouseVersion } from "./version.js";

/** The exit codes `command` can end with ("" for charthouse itself: all of them but sync's), from the one table. */
export function exitCodesHelp(command: string): string {
  const own = exitCodesOf(command as CommandName | "");
  const width = Math.max(...own.map((c) => String(c.code).length));
  const note = command === "" ? " (sync has its own: charthouse sync --help)" : "";
  return `\nExit codes${note}:\n${own.map((c) => `  ${String(c.code).padEnd(width)}  ${c.text}`).join("\n")}`;
}

type Register = (program: Command, io: CliIo, setExitCode: (code: number) => void, cluster?: Cluster) => Promise<void>;

/** Each command's module, loaded only when that command runs (or for the overall --help): start-up pays for one. */
const COMMANDS: Readonly<Record<string, Register>> = {
  plan: async (p, io) => (await import("./commands/plan.js")).registerPlan(p, io),
  check: async (p, io, set) => (await import("./commands/check.js")).registerCheck(p, io, set),
  publish: async (p, io) => (await import("./commands/publish.js")).registerPublish(p, io),
  init: async (p, io) => (await import("./commands/init.js")).registerInit(p, io),
  sync: async (p, io, set, cluster) => {
    const sync = await import("./commands/sync.js");
    sync.registerSync(p, io, set, cluster);
    sync.registerUpdaterRole(p, io);
  },
};
/** publish's module registers test, lint and package too; sync's updater-role. */
const MODULE_OF: Readonly<Record<string, string>> = {
  test: "publish",
  lint: "publish",
  package: "publish",
  "updater-role": "sync",
};

/**
 * The `charthouse` command line; each command parses, calls the library, renders. `argv` picks the command module to
 * load.
 */
export async function createProgram(
  io: CliIo,
  cluster?: Cluster,
  setExitCode: (code: number) => void = () => undefined,
  argv: readonly string[] = [],
): Promise<Command> {
  const program = new Command("charthouse")
    .description(
      "Builds a project's container images, tests them, lints and packages its Helm charts, and publishes " +
        "both to an OCI registry: nightly with a datestamp, releases on git tags. The same plan runs under " +
        "`dagger call publish` and, on a plain Docker engine, under `charthouse publish`.",
    )
    .version(charthouseVersion(), "-V, --version", "print charthouse's version")
    .option("--debug", "print stack traces of errors")
    .configureOutput({
      writeOut: io.stdout,
      writeErr: io.stderr,
      getOutHelpWidth: () => 100,
      getErrHelpWidth: () => 100,
    })
    .showHelpAfterError("(run with --help for usage)")
    .addHelpText("after", exitCodesHelp(""))
    .exitOverride();
  const first = argv.find((a) => !a.startsWith("-"));
  const name = first === undefined ? undefined : (MODULE_OF[first] ?? first);
  const register = name === undefined ? undefined : COMMANDS[name];
  for (const r of register ? [register] : Object.values(COMMANDS)) await r(program, io, setExitCode, cluster);
  for (const command of program.commands)
    command
      .addHelpText("after", exitCodesHelp(command.name()))
      .exitOverride()
      .configureOutput({
        writeOut: io.stdout,
        writeErr: io.stderr,
        getOutHelpWidth: () => 100,
        getErrHelpWidth: () => 100,
      });
  return program;
}

function errorJson(error: unknown, io: CliIo): ErrorJson {
  const known = error instanceof CharthouseError;
  const problems =
    error instanceof ConfigProblemsError
      ? error.problems.map((p) => ({ ...p, file: relative(io.cwd, p.file) || p.file }))
      : undefined;
  return {
    version: 1,
    error: {
      code: known ? error.exitCode : ExitCode.failure,
      kind: known ? error.constructor.name : "UnexpectedError",
      message: (error as Error).message ?? String(error),
      ...(problems ? { problems } : {}),
    },
  };
}

/** Runs the CLI and returns its exit code; errors become one clear paragraph. */
export async function runCli(argv: readonly string[], io: CliIo, cluster?: Cluster): Promise<number> {
  // A command may set its own exit code (sync tells up to date from upgraded).
  let exitCode: number = ExitCode.ok;
  const program = await createProgram(io, cluster, (code) => (exitCode = code), argv);
  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are "errors" to commander; usage mistakes exit 2.
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    const debug = argv.includes("--debug");
    // Under --json a failure is JSON too, on stdout where the machine reads.
    if (argv.includes("--json")) {
      io.stdout(`${JSON.stringify(errorJson(error, io), null, 2)}\n`);
      return error instanceof CharthouseError ? error.exitCode : ExitCode.failure;
    }
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
