/**
 * Runs tasks 0…n-1, each once every task it waits for (`after[i]`, lower indices) has
 * succeeded, as many at once as that allows, started in index order. After a failure, or
 * once `stop()` names a reason, no task starts; those in flight finish. Rejects with the
 * failure of the lowest-index task that failed (so which one is reported does not depend
 * on timing), else with the stop reason.
 */
export function walkGraph(
  after: readonly (readonly number[])[],
  start: (i: number) => Promise<void>,
  stop: () => Error | undefined,
): Promise<void> {
  const state = after.map((): "waiting" | "running" | "passed" => "waiting");
  const failures = new Map<number, unknown>();
  let running = 0;
  let stopped: Error | undefined;
  return new Promise((resolve, reject) => {
    const pump = (): void => {
      stopped ??= failures.size ? undefined : stop();
      if (!failures.size && !stopped) {
        state.forEach((s, i) => {
          if (s !== "waiting" || !after[i]!.every((j) => state[j] === "passed")) return;
          state[i] = "running";
          running++;
          Promise.resolve()
            .then(() => start(i))
            .then(
              () => void (state[i] = "passed"),
              (error: unknown) => void failures.set(i, error),
            )
            .finally(() => {
              running--;
              pump();
            });
        });
      }
      if (running > 0) return;
      if (failures.size) reject(failures.get(Math.min(...failures.keys())));
      else if (stopped) reject(stopped);
      else if (state.every((s) => s === "passed")) resolve();
      else reject(new Error("bug: steps wait for each other in a circle"));
    };
    pump();
  });
}
