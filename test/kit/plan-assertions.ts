import { expect } from "vitest";
import type { RunEvent } from "../../src/context/index.js";
import { planRelease, type Plan } from "../../src/plan/index.js";
import type { RegistryState } from "../../src/registry/index.js";
import { config, context } from "./builders.js";
import type { Config } from "../../src/config/index.js";

/** Plans and expects success. */
export function mustPlan(event: RunEvent, state: RegistryState = { repositories: {} }, cfg: Config = config()): Plan {
  const result = planRelease({ config: cfg, context: context(event), state });
  if (!result.ok) expect.fail(`refused: ${result.refusals.join("; ")}`);
  return result.plan;
}

/** Plans and expects a refusal; returns its reasons. */
export function mustRefuse(
  event: RunEvent,
  state: RegistryState = { repositories: {} },
  cfg: Config = config(),
): readonly string[] {
  const result = planRelease({ config: cfg, context: context(event), state });
  if (result.ok) expect.fail("expected a refusal, got a plan");
  return result.refusals;
}

/** `repository:tag` of every immutable push, and `repository:alias` of every alias move. */
export function pushes(plan: Plan): { immutable: string[]; aliases: string[] } {
  return {
    immutable: [
      ...plan.images.filter((i) => i.publication.action === "push").map((i) => `${i.repository}:${i.tag}`),
      ...plan.charts.filter((c) => c.publication.action === "push").map((c) => `${c.repository}:${c.version}`),
    ],
    aliases: plan.aliases.map((a) => `${a.repository}:${a.alias}`),
  };
}
