import { describe, expect, it } from "vitest";
import { walkGraph } from "../../../src/release/walk-graph.js";

/** Tasks that end only when the test says so: which ran when depends on nothing but the test's order. */
function controlled() {
  const started: number[] = [];
  const ends = new Map<number, { pass: () => void; fail: (why: string) => void }>();
  const run = (i: number) =>
    new Promise<void>((pass, reject) => {
      started.push(i);
      ends.set(i, { pass, fail: (why) => reject(new Error(why)) });
    });
  const end = (i: number) => ends.get(i)!;
  return { started, run, end };
}
/** Lets every settled task's consequences (the scheduler starting the next ones) happen. */
const settle = () => new Promise((r) => setImmediate(r));
const never = () => undefined;

describe("running steps as their graph allows", () => {
  it("starts independent tasks at once, and a task once what it waits for passed, not sooner", async () => {
    const { started, run, end } = controlled();
    const done = walkGraph([[], [], [1], [0, 2]], run, never);
    await settle();
    expect(started).toEqual([0, 1]);
    end(1).pass();
    await settle();
    expect(started).toEqual([0, 1, 2]);
    end(2).pass();
    await settle();
    expect(started).toEqual([0, 1, 2]); // 3 waits for 0 too
    end(0).pass();
    await settle();
    expect(started).toEqual([0, 1, 2, 3]);
    end(3).pass();
    await expect(done).resolves.toBeUndefined();
  });

  it(
    "after a failure starts nothing more, lets what runs finish, and reports the lowest failed task whatever failed " +
      "first",
    async () => {
      const { started, run, end } = controlled();
      let finished = false;
      const done = walkGraph([[], [], [], [2]], run, never).finally(() => (finished = true));
      done.catch(() => undefined);
      await settle();
      expect(started).toEqual([0, 1, 2]);
      end(1).fail("task 1 failed");
      end(2).pass(); // 3 could start now, but a task has failed
      await settle();
      expect(started).toEqual([0, 1, 2]);
      expect(finished).toBe(false); // 0 still runs
      end(0).fail("task 0 failed");
      await expect(done).rejects.toThrow("task 0 failed");
    },
  );

  it("stops starting tasks once asked to, and rejects with the reason", async () => {
    const { started, run, end } = controlled();
    let stop: Error | undefined;
    const done = walkGraph([[], [0]], run, () => stop);
    await settle();
    stop = new Error("interrupted");
    end(0).pass();
    await expect(done).rejects.toThrow("interrupted");
    expect(started).toEqual([0]);
  });

  it("refuses a graph that waits in a circle instead of hanging", async () => {
    const { run } = controlled();
    await expect(walkGraph([[1], [0]], run, never)).rejects.toThrow(/circle/);
  });

  it("resolves at once with no tasks", async () => {
    await expect(walkGraph([], async () => undefined, never)).resolves.toBeUndefined();
  });
});
