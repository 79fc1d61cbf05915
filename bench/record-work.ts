// Preloaded with `node --import` into the charthouse process the real-work bench starts:
// records when each process charthouse starts (docker, helm) and each HTTP request it makes
// (the registry) is in flight, as [start, end] in epoch milliseconds, written to the file
// named by BENCH_WORK_LOG when the process exits. Not part of charthouse.
import { writeFileSync } from "node:fs";
import { createRequire, syncBuiltinESMExports } from "node:module";
import { performance } from "node:perf_hooks";
import type { ChildProcess } from "node:child_process";

const log = process.env.BENCH_WORK_LOG;
const now = () => performance.timeOrigin + performance.now();
const spans: { kind: "process" | "http"; what: string; start: number; end: number }[] = [];

if (log) {
  // charthouse imports `spawn` by name: replacing the builtin's export and syncing its ESM
  // bindings makes every such import see the recording one.
  const childProcess = createRequire(import.meta.url)("node:child_process") as typeof import("node:child_process");
  const spawn = childProcess.spawn;
  childProcess.spawn = function recordingSpawn(this: unknown, ...args: Parameters<typeof spawn>): ChildProcess {
    const start = now();
    const child = (spawn as (...a: unknown[]) => ChildProcess).apply(this, args);
    const what = [args[0], ...(Array.isArray(args[1]) ? args[1].slice(0, 2) : [])].join(" ");
    child.once("close", () => spans.push({ kind: "process", what, start, end: now() }));
    return child;
  } as typeof spawn;
  syncBuiltinESMExports();

  const fetch = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const start = now();
    try {
      return await fetch(input, init);
    } finally {
      spans.push({ kind: "http", what: `${init?.method ?? "GET"} ${String(input)}`, start, end: now() });
    }
  };

  process.once("exit", () => writeFileSync(log, JSON.stringify(spans)));
}
