import { describe, expect, it } from "vitest";
import { runGraph } from "../src/release/run-graph.js";

/** Tasks that record when they start and end, each taking `ms[i]` (default 5 ms); `fail` ones reject. */
function tasks(ms: number[], fail: number[] = []) {
  const events: string[] = [];
  const run = async (i: number) => {
    events.push(`start ${i}`);
    await new Promise((r) => setTimeout(r, ms[i] ?? 5));
    events.push(`end ${i}`);
    if (fail.includes(i)) throw new Error(`task ${i} failed`);
  };
  return { events, run };
}
const never = () => undefined;

describe("running steps as their graph allows", () => {
  it("starts a task once what it waits for passed, and independent tasks at once", async () => {
    const { events, run } = tasks([20, 5, 5]);
    // 0 and 1 at once; 2 waits for 1 only, so it runs while 0 still does.
    await runGraph([[], [], [1]], run, never);
    expect(events).toEqual(["start 0", "start 1", "end 1", "start 2", "end 2", "end 0"]);
  });

  it("after a failure starts nothing more, lets what runs finish, and reports the lowest failed task whatever failed first", async () => {
    // 1 fails first (5 ms), 0 later (30 ms); 3 passes after 1 failed (15 ms), so 4, waiting only for 3, must not start.
    const { events, run } = tasks([30, 5, 5, 15, 5], [0, 1]);
    await expect(runGraph([[], [], [1], [], [3]], run, never)).rejects.toThrow("task 0 failed");
    expect(events).toContain("end 0");
    expect(events).toContain("end 3");
    expect(events.filter((e) => e.startsWith("start"))).toEqual(["start 0", "start 1", "start 3"]);
  });

  it("stops starting tasks once asked to, and rejects with the reason", async () => {
    const { events, run } = tasks([5, 5]);
    let stop: Error | undefined;
    const done = runGraph([[], [0]], async (i) => {
      await run(i);
      stop = new Error("interrupted");
    }, () => stop);
    await expect(done).rejects.toThrow("interrupted");
    expect(events).toEqual(["start 0", "end 0"]);
  });

  it("refuses a graph that waits in a circle instead of hanging", async () => {
    const { run } = tasks([]);
    await expect(runGraph([[1], [0]], run, never)).rejects.toThrow(/circle/);
  });

  it("resolves at once with no tasks", async () => {
    await expect(runGraph([], async () => undefined, never)).resolves.toBeUndefined();
  });
});
