import { describeStep, type Step } from "../pipeline/index.js";
import { redact, type Secret } from "../registry/secret.js";

export type StepStatus = "ok" | "skipped" | "failed" | "cancelled";

export interface StepRecord {
  readonly kind: Step["kind"];
  readonly description: string;
  readonly phase: Step["phase"];
  readonly status: StepStatus;
  readonly durationMs: number;
  readonly note?: string;
}

/**
 * Progress a person can follow: one line per step with its duration, the whole output
 * of a step that failed. Every line passes through redaction of the run's secrets.
 */
export class Reporter {
  private readonly records: { readonly n: number; readonly record: StepRecord }[] = [];
  constructor(
    private readonly write: (text: string) => void,
    private readonly secrets: readonly (Secret | undefined)[],
    private readonly total: number,
  ) {}

  /** The steps run so far in the plan's order (their numbers), whatever order they finished in. */
  get steps(): StepRecord[] {
    return [...this.records].sort((a, b) => a.n - b.n).map((r) => r.record);
  }

  line(text: string): void {
    this.write(`${redact(text, this.secrets)}\n`);
  }

  /** Runs step number `n` (from 1), timing it and printing its line; rethrows its error after printing its output. */
  async step<T>(
    n: number,
    step: Step,
    action: () => Promise<{ note?: string; skipped?: boolean; value?: T }>,
  ): Promise<T | undefined> {
    const label = `[${String(n).padStart(String(this.total).length)}/${this.total}] ${describeStep(step)}`;
    const started = Date.now();
    try {
      const { note, skipped, value } = await action();
      const durationMs = Date.now() - started;
      const status: StepStatus = skipped ? "skipped" : "ok";
      this.records.push({
        n,
        record: {
          kind: step.kind,
          description: describeStep(step),
          phase: step.phase,
          status,
          durationMs,
          ...(note ? { note } : {}),
        },
      });
      this.line(`${label} … ${status === "ok" ? "ok" : "skipped"} ${seconds(durationMs)}${note ? ` (${note})` : ""}`);
      return value;
    } catch (error) {
      const durationMs = Date.now() - started;
      const cancelled = (error as { cancelled?: boolean }).cancelled === true;
      this.records.push({
        n,
        record: {
          kind: step.kind,
          description: describeStep(step),
          phase: step.phase,
          status: cancelled ? "cancelled" : "failed",
          durationMs,
        },
      });
      this.line(`${label} … ${cancelled ? "cancelled" : "FAILED"} ${seconds(durationMs)}`);
      const output = (error as { output?: string }).output;
      if (output && !cancelled) this.line(indent(output.trimEnd()));
      throw error;
    }
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((l) => `    │ ${l}`)
    .join("\n");
}
