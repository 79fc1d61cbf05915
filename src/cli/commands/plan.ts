import { dirname } from "node:path";
import { InvalidArgumentError, type Command } from "commander";
import { plainHttpHosts, type Config } from "../../config/index.js";
import { readGitFacts } from "../../context/index.js";
import { ConfigError } from "../../errors.js";
import { planSteps } from "../../pipeline/index.js";
// prepare-run, not the release's index: a plan initialises none of what runs a release.
import { prepareRun, type PreparedRun, type StateSource } from "../../release/prepare-run.js";
import { addRegistryOptions, type RegistryOptions } from "../registry-flags.js";
import type { CliIo } from "../io.js";
import { readConfig, readRegistryStateFile } from "../read-inputs.js";
import { renderPlan } from "../../render/render-plan.js";

export interface ContextOptions {
  config: string;
  nightly?: boolean;
  tag?: string;
  branch?: string;
  pr?: boolean | number;
  sha?: string;
  date?: string;
}

/** The options every command that plans a run shares: which config, which run. */
export function addContextOptions(command: Command): Command {
  return command
    .option("-c, --config <file>", "the project's charthouse.yaml", once("--config"), "charthouse.yaml")
    .option("--nightly", "plan a nightly run: nightly-YYYYMMDD and nightly tags, a -nightly.YYYYMMDD chart")
    .option("--tag <tag>", "plan the run for a pushed git tag, e.g. v5.0.1 or hyrax-chart-v3.7.5", once("--tag"))
    .option(
      "--branch <branch>",
      "plan the run for a push to this branch (the default branch publishes sha-<commit>)",
      once("--branch"),
    )
    .option("--pr [number]", "plan a pull request's run: every gate, nothing published", parsePr)
    .option("--sha <commit>", "the commit the run builds (default: the CI's, else git HEAD)", once("--sha"))
    .option("--date <YYYY-MM-DD>", "the run's UTC date, for the nightly datestamp (default: today)", once("--date"));
}

/** A flag that names one value: given twice, it is a mistake, not "the last one wins". */
function once(flag: string): (value: string) => string {
  let seen = false;
  return (value) => {
    if (seen) throw new InvalidArgumentError(`${flag} was given twice: pass it once`);
    seen = true;
    return value;
  };
}

function parsePr(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError("expected a pull request number, e.g. --pr 123");
  return n;
}

export interface StateOptions extends RegistryOptions {
  registryState?: string;
  online?: boolean;
}

/** Where the run's registry state comes from: the registry itself (--online), a saved file, or nothing. */
async function stateSource(opts: StateOptions, config: Config, io: CliIo): Promise<StateSource> {
  if (opts.online && opts.registryState)
    throw new ConfigError("--online and --registry-state both say where the registry state comes from: pass one");
  if (opts.online) {
    // The registry client and credentials load only for a plan that reads the registry.
    const { cliClient, readCredentials, registryHost } = await import("../registry-options.js");
    const credentials = await readCredentials(opts, registryHost(config), io);
    return { kind: "registry", client: cliClient(credentials, io, plainHttpHosts(config)) };
  }
  return opts.registryState
    ? { kind: "given", state: readRegistryStateFile(opts.registryState, io) }
    : { kind: "none" };
}

/** Reads config, the run's facts and the registry state, and plans (prepareRun); a refusal throws with every reason. */
export async function computePlan(opts: ContextOptions & StateOptions, io: CliIo): Promise<PreparedRun> {
  const config = await readConfig(opts.config, io);
  return prepareRun({
    config,
    flags: opts,
    env: io.env,
    git: readGitFacts(dirname(config.file)),
    now: io.now(),
    state: await stateSource(opts, config, io),
  });
}

export function registerPlan(program: Command, io: CliIo): void {
  addRegistryOptions(
    addContextOptions(
      program
        .command("plan")
        .summary("print what a run would build, gate and publish, touching nothing")
        .description(
          "Works out the release plan from charthouse.yaml, the run's facts (flags, CI environment, git) and what " +
            "the registry holds (--registry-state), and prints it: images and their tags, charts and their versions, " +
            "alias moves, and the ordered steps. Builds and pushes nothing; with --online it reads (only reads) the " +
            "registry.",
        ),
    ),
  )
    .option("--registry-state <file>", "JSON of what the registry holds now (default: empty registry)")
    .option(
      "--online",
      "read what the registry holds now: tag lists, and the revision of the tags this run would write",
    )
    .option("--json", 'print the plan as JSON (with "version": 1) for machines')
    .action(async (opts: ContextOptions & StateOptions & { json?: boolean }) => {
      const { plan } = await computePlan(opts, io);
      const steps = planSteps(plan);
      io.stdout(opts.json ? `${JSON.stringify({ ...plan, steps }, null, 2)}\n` : renderPlan(plan, steps));
    });
}
