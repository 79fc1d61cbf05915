import { performance } from "node:perf_hooks";

/** The middle value (the upper middle of an even count). */
export function median(values: readonly number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

/** Median wall time of `fn` in ms over `runs` runs, after warm-up runs. */
export function measure(fn: () => void, runs = 15, warmup = 3): number {
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  return median(times);
}

/** The same for an async `fn`. */
export async function measureAsync(fn: () => Promise<void>, runs = 5, warmup = 1): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return median(times);
}

/** Prints each measurement and its ratio to the first one (and to a target, if given). */
export function report(
  title: string,
  rows: { name: string; ms: number }[],
  opts: { target?: { name: string; ms: number } } = {},
): void {
  const base = rows[0]!.ms;
  console.log(`\n${title}`);
  for (const row of rows) {
    const vsFirst = row === rows[0] ? "" : `  (${(row.ms / base).toFixed(2)}× of the first)`;
    console.log(`  ${row.name.padEnd(48)} ${row.ms.toFixed(2).padStart(9)} ms${vsFirst}`);
  }
  if (opts.target) {
    const ratio = base / opts.target.ms;
    console.log(
      `  ${rows[0]!.name} / ${opts.target.name} (${opts.target.ms} ms) = ${ratio.toFixed(3)} ` +
        `${ratio <= 1 ? "✓ within" : "✗ over"} target`,
    );
  }
}
