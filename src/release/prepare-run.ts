import { declaredRepositories, formatProblem, type Config, type ConfigResult } from "../config/index.js";
import { detectContext, type ContextFlags, type GitFacts, type RunContext } from "../context/index.js";
import { ConfigProblemsError, PolicyRefusal } from "../errors.js";
import { EMPTY_STATE, inspectionTargets, planRelease, type Plan } from "../plan/index.js";
import { inspectRegistry, type RegistryClient, type RegistryState } from "../registry/index.js";

/**
 * Where what the registry holds comes from: read from it, given (a saved state file), or nothing (an empty registry).
 */
export type StateSource =
  | { readonly kind: "registry"; readonly client: RegistryClient }
  | { readonly kind: "given"; readonly state: RegistryState }
  | { readonly kind: "none" };

export interface PrepareInput {
  readonly config: Config;
  readonly flags: ContextFlags;
  /** The CI's environment (CircleCI, GitHub Actions); `{}` where there is none to read. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly git?: GitFacts;
  /** The clock, passed in: the date of a run no flag dates. */
  readonly now: Date;
  readonly state: StateSource;
}

export interface PreparedRun {
  readonly config: Config;
  readonly context: RunContext;
  readonly state: RegistryState;
  readonly plan: Plan;
}

/**
 * Everything a run is decided from, gathered and planned, for every front end (the
 * CLI's commands, the Dagger module's functions): the run's facts, what the registry
 * holds of what the plan reads, and the plan. A refusal throws PolicyRefusal with every
 * reason, before anything is built.
 */
export async function prepareRun(input: PrepareInput): Promise<PreparedRun> {
  const { config } = input;
  const context = detectContext({ flags: input.flags, env: input.env, git: input.git, now: input.now });
  const state =
    input.state.kind === "registry"
      ? await readRunState(input.state.client, config, context)
      : input.state.kind === "given"
        ? input.state.state
        : EMPTY_STATE;
  const result = planRelease({ config, context, state });
  if (!result.ok)
    throw new PolicyRefusal(
      `charthouse refuses this run; nothing was built or pushed:\n${result.refusals.map((r) => `  - ${r}`).join("\n")}`,
    );
  return { config, context, state, plan: result.plan };
}

/**
 * What the registry holds that this run's plan depends on: every tag name of every
 * repository the config publishes to, and the digest and revision of the tags the
 * planner will read (its `inspectionTargets`: the run's immutable names and aliases).
 */
export function readRunState(client: RegistryClient, config: Config, context: RunContext): Promise<RegistryState> {
  return inspectRegistry(client, declaredRepositories(config), (names) => inspectionTargets(config, context, names));
}

/** A loaded config, or ConfigProblemsError with every problem in it at once (paths shown relative to `base`). */
export function requireConfig(result: ConfigResult, file: string, base: string): Config {
  if (result.ok) return result.config;
  throw new ConfigProblemsError(
    file,
    result.errors,
    result.errors.map((p) => formatProblem(p, base)),
  );
}
