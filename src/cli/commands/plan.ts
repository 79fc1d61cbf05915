import { InvalidArgumentError, type Command } from "commander";
import { PolicyRefusal } from "../../errors.js";
import { planSteps } from "../../pipeline/index.js";
import { planRelease, type Plan } from "../../plan/index.js";
import type { CliIo } from "../io.js";
import { readConfig, readContext, readRegistryState } from "../read-inputs.js";
import { renderPlan } from "../render-plan.js";

export interface RunOptions {
  config: string;
  nightly?: boolean;
  tag?: string;
  branch?: string;
  pr?: boolean | number;
  sha?: string;
  date?: string;
}

/** The options every command that plans a run shares: which config, which run. */
export function addRunOptions(command: Command): Command {
  return command
    .option("-c, --config <file>", "the project's charthouse.yaml", "charthouse.yaml")
    .option("--nightly", "plan a nightly run: nightly-YYYYMMDD and nightly tags, a -nightly.YYYYMMDD chart")
    .option("--tag <tag>", "plan the run for a pushed git tag, e.g. v5.0.1 or hyrax-chart-v3.7.5")
    .option("--branch <branch>", "plan the run for a push to this branch (the default branch publishes sha-<commit>)")
    .option("--pr [number]", "plan a pull request's run: every gate, nothing published", parsePr)
    .option("--sha <commit>", "the commit the run builds (default: the CI's, else git HEAD)")
    .option("--date <YYYY-MM-DD>", "the run's UTC date, for the nightly datestamp (default: today)");
}

function parsePr(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError("expected a pull request number, e.g. --pr 123");
  return n;
}

/** Reads config, context and state, and plans; a refusal throws with every reason. */
export function computePlan(opts: RunOptions & { registryState?: string }, io: CliIo): Plan {
  const config = readConfig(opts.config, io);
  const context = readContext(config, opts, io);
  const state = readRegistryState(opts.registryState, io);
  const result = planRelease({ config, context, state });
  if (!result.ok) {
    throw new PolicyRefusal(
      `charthouse refuses this run; nothing was built or pushed:\n${result.refusals.map((r) => `  - ${r}`).join("\n")}`,
    );
  }
  return result.plan;
}

export function registerPlan(program: Command, io: CliIo): void {
  addRunOptions(
    program
      .command("plan")
      .summary("print what a run would build, gate and publish, touching nothing")
      .description(
        "Works out the release plan from charthouse.yaml, the run's facts (flags, CI environment, git) and " +
          "what the registry holds (--registry-state), and prints it: images and their tags, charts and their " +
          "versions, alias moves, and the ordered steps. Builds, pushes and contacts nothing.",
      ),
  )
    .option("--registry-state <file>", "JSON of what the registry holds now (default: empty registry)")
    .option("--json", "print the plan as JSON (with \"version\": 1) for machines")
    .action((opts: RunOptions & { registryState?: string; json?: boolean }) => {
      const plan = computePlan(opts, io);
      const steps = planSteps(plan);
      io.stdout(opts.json ? `${JSON.stringify({ ...plan, steps }, null, 2)}\n` : renderPlan(plan, steps));
    });
}
