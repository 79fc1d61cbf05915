import { describeStep, type Step } from "../pipeline/index.js";
import type { Plan, Publication } from "../plan/index.js";

/** The plan as a few tables a person can check at a glance. */
export function renderPlan(plan: Plan, steps: readonly Step[]): string {
  const out: string[] = [];
  const { context } = plan;
  out.push(
    `charthouse plan: ${plan.summary}`,
    `commit ${context.commit.slice(0, 7)} · date ${context.date} · created ${context.created} · ${context.ci}`,
    "",
  );

  // A service's own build (test.services[].build) is a gate only: listed, never published.
  const gates = plan.test?.builds ?? [];
  if (plan.images.length || gates.length) {
    out.push(
      table(
        ["IMAGE", "TARGET", "REFERENCE", "PUBLISH"],
        [
          ...plan.images.map((i) => [
            i.name,
            i.build.target ?? "-",
            `${i.repository}:${i.tag}`,
            publication(i.publication),
          ]),
          ...gates.map((i) => [i.name, i.build.target ?? "-", `${i.repository}:${i.tag}`, "never (a test service)"]),
        ],
      ),
      "",
    );
  }
  if (plan.charts.length) {
    out.push(
      table(
        ["CHART", "VERSION", "APP VERSION", "REFERENCE", "PUBLISH"],
        plan.charts.map((c) => [
          c.name,
          c.version,
          c.appVersion ?? "-",
          `oci://${c.repository}`,
          publication(c.publication),
        ]),
      ),
      "",
    );
  }
  if (plan.aliases.length) {
    out.push(
      table(
        ["ALIAS", "MOVES TO", "EXPECTS NOW"],
        plan.aliases.map((a) => [`${a.repository}:${a.alias}`, a.from, a.expect ? a.expect.slice(0, 19) : "absent"]),
      ),
      "",
    );
  }
  for (const w of plan.warnings) out.push(`warning: ${w}`);
  if (steps.length === 0) {
    out.push("Nothing to do: every artifact of this run is already published from this commit.");
  } else {
    out.push("STEPS");
    const width = String(steps.length).length;
    steps.forEach((s, n) => out.push(`${String(n + 1).padStart(width)}. ${s.phase.padEnd(7)} ${describeStep(s)}`));
  }
  const pushes = steps.filter((s) => s.phase !== "gate").length;
  out.push(
    "",
    pushes === 0
      ? "Publishes nothing."
      : `Publishes ${pushes} change${pushes === 1 ? "" : "s"} after ${steps.length - pushes} gate ` +
          `step${steps.length - pushes === 1 ? "" : "s"}.`,
  );
  return out.join("\n") + "\n";
}

function publication(p: Publication): string {
  if (p.action === "push") return "push";
  if (p.action === "skip") return "skip (published from this commit)";
  return "no (gates only)";
}

export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join("  ");
  return [line(headers), ...rows.map(line)].join("\n");
}
