import { dateStamp } from "./formats.js";
import type { Config } from "../config/types.js";
import type { RunContext } from "../context/types.js";
import { readReleaseTag } from "./release-tag.js";

/** The run's event read against the policy: what kind of publishing it is. */
export type Trigger =
  | { readonly kind: "nightly"; readonly stamp: string }
  | { readonly kind: "release"; readonly version: string }
  | { readonly kind: "chart-release"; readonly chart: string; readonly version: string }
  | { readonly kind: "branch"; readonly branch: string; readonly isDefault: boolean }
  | { readonly kind: "pull-request"; readonly number?: number }
  | { readonly kind: "local" }
  | { readonly kind: "other"; readonly name: string };

export type TriggerResult =
  { readonly ok: true; readonly trigger: Trigger } | { readonly ok: false; readonly reason: string };

export function resolveTrigger(config: Config, context: RunContext): TriggerResult {
  const event = context.event;
  switch (event.kind) {
    case "nightly":
      return { ok: true, trigger: { kind: "nightly", stamp: dateStamp(context.date) } };
    case "release": {
      const meaning = readReleaseTag(
        event.tag,
        config.policy,
        config.charts.map((c) => c.name),
      );
      if (meaning.kind === "refused") return { ok: false, reason: meaning.reason };
      return { ok: true, trigger: meaning };
    }
    case "push":
      return {
        ok: true,
        trigger: { kind: "branch", branch: event.branch, isDefault: event.branch === config.policy.defaultBranch },
      };
    case "pull-request":
      return {
        ok: true,
        trigger: event.number === undefined ? { kind: "pull-request" } : { kind: "pull-request", number: event.number },
      };
    case "local":
      return { ok: true, trigger: { kind: "local" } };
    case "other":
      return { ok: true, trigger: { kind: "other", name: event.name } };
  }
}

/** A few words for people: "nightly 20261124", "release 5.0.1", "pull request #12 (gates only)". */
export function describeTrigger(trigger: Trigger): string {
  switch (trigger.kind) {
    case "nightly":
      return `nightly ${trigger.stamp}`;
    case "release":
      return `release ${trigger.version}`;
    case "chart-release":
      return `chart release ${trigger.chart} ${trigger.version}`;
    case "branch":
      return trigger.isDefault
        ? `push to ${trigger.branch}`
        : `push to ${trigger.branch} (gates only: not the default branch)`;
    case "pull-request":
      return `pull request${trigger.number === undefined ? "" : ` #${trigger.number}`} (gates only)`;
    case "local":
      return "local run (gates only: pass --nightly, --tag or --branch to plan a CI run)";
    case "other":
      return (
        `CI event ${trigger.name} (gates only: only a schedule, a pushed tag and a push to the default branch ` +
        "publish)"
      );
  }
}
