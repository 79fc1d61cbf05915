import type { Command } from "../pipeline/index.js";
import type { RunResult } from "../release/index.js";
import { table } from "./render-plan.js";

/** Why a command had no step to walk. */
const NOTHING: Record<Command, string> = {
  publish: "every artifact is already published from this commit",
  build: "charthouse.yaml declares no image to build",
  test: "charthouse.yaml declares no image to test",
  lint: "charthouse.yaml declares no chart to lint",
  package: "charthouse.yaml declares no chart to package",
};

/** The closing summary: what was published (with digests), skipped, moved — or why nothing was. */
export function renderResult(result: RunResult, command: Command = "publish"): string {
  const out: string[] = [""];
  if (result.status === "nothing-to-do") {
    out.push(`Nothing to ${command === "publish" ? "do" : command} for ${result.summary}: ${NOTHING[command]}.`);
    return out.join("\n") + "\n";
  }
  if (result.published.length)
    out.push(
      "Published:",
      table(
        ["REFERENCE", "DIGEST"],
        result.published.map((p) => [p.reference, p.digest]),
      ),
      "",
    );
  if (result.skipped.length)
    out.push(
      "Already there from this commit (skipped):",
      table(
        ["REFERENCE", "DIGEST"],
        result.skipped.map((p) => [p.reference, p.digest]),
      ),
      "",
    );
  if (result.aliases.length) {
    out.push(
      "Aliases:",
      table(
        ["ALIAS", "TARGET", "RESULT"],
        result.aliases.map((a) => [a.reference, a.target, a.moved ? "moved" : `kept: ${a.reason}`]),
      ),
      "",
    );
  }
  if (result.signed.length) {
    out.push(
      "Signed (cosign):",
      table(
        ["REFERENCE", "DIGEST", "WRITTEN"],
        result.signed.map((s) => [
          s.reference,
          s.digest,
          s.signatures + s.attestations === 0
            ? "there already"
            : `${s.signatures} signature(s), ${s.attestations} attestation(s)`,
        ]),
      ),
      "",
    );
  }
  if (result.packages.length) out.push("Packages:", ...result.packages.map((p) => `  ${p}`), "");
  const gates = result.steps.filter((s) => s.phase === "gate").length;
  out.push(
    result.status === "gates-passed"
      ? `All ${gates} gate step(s) passed for ${result.summary}; nothing was pushed.`
      : `Done: ${result.summary}, ${result.published.length} pushed, ${result.aliases.filter((a) => a.moved).length} ` +
          "alias(es) moved.",
  );
  return out.join("\n") + "\n";
}
