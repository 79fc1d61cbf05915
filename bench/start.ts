import { spawnSync } from "node:child_process";
import { performance } from "node:perf_hooks";
import { median } from "./measure.js";

const RUNS = 15;
const bin = new URL("../../bin/charthouse.js", import.meta.url).pathname;
const example = new URL("../../examples/hyrax/charthouse.yaml", import.meta.url).pathname;

/** Wall time of one fresh process, in ms. */
function once(args: string[]): number {
  const started = performance.now();
  const run = spawnSync(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  if (run.status !== 0) throw new Error(`node ${args.join(" ")} exited ${run.status}: ${run.stderr}`);
  return performance.now() - started;
}

/**
 * The CLI's start-up as fresh processes against `node -e ''` (the floor any Node CLI
 * pays), interleaved run by run, medians of the per-pair ratios: `charthouse --version`
 * and `charthouse plan` on the example. Needs `npm run prepare` (dist/) first: `npm run bench` does it.
 */
export function benchStart(): void {
  const commands = {
    "charthouse --version": [bin, "--version"],
    "charthouse plan (example, nightly)": [bin, "plan", "--config", example, "--nightly", "--date", "2026-11-24"],
  };
  const targets: Record<string, number> = { "charthouse --version": 1.5, "charthouse plan (example, nightly)": 2.0 };
  console.log(`\nCLI start-up as fresh processes, ${RUNS} interleaved pairs each, median ratio to node -e ''`);
  for (const [name, args] of Object.entries(commands)) {
    once(args);
    once(["-e", ""]);
    const ratios: number[] = [];
    const own: number[] = [];
    const node: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const a = once(args);
      const b = once(["-e", ""]);
      own.push(a);
      node.push(b);
      ratios.push(a / b);
    }
    const ratio = median(ratios);
    console.log(
      `  ${name.padEnd(36)} ${median(own).toFixed(1).padStart(7)} ms  node -e '' ` +
        `${median(node).toFixed(1).padStart(6)} ms  ratio ${ratio.toFixed(2)} (target ≤ ${targets[name]}) ` +
        `${ratio <= targets[name]! ? "✓" : "✗"}`,
    );
  }
}
