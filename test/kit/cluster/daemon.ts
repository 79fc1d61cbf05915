import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";

/** A long-running process of the control plane, its log written to a file. */
export interface Daemon {
  readonly name: string;
  readonly log: string;
  readonly pid: number;
  /** Whether it has exited (a component that exits during start-up is reported with its log). */
  exited(): boolean;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
// A test run that ends without its afterAll (a crash, a timeout) leaves no control plane behind.
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

export function startDaemon(
  name: string,
  binary: string,
  args: readonly string[],
  log: string,
  env?: NodeJS.ProcessEnv,
): Daemon {
  const out = createWriteStream(log);
  const child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"], env });
  child.stdout!.pipe(out, { end: false });
  child.stderr!.pipe(out, { end: false });
  running.add(child);
  const done = new Promise<void>((resolve) =>
    child.once("exit", () => {
      running.delete(child);
      resolve();
    }),
  );
  return {
    name,
    log,
    pid: child.pid!,
    exited: () => child.exitCode !== null || child.signalCode !== null,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        await Promise.race([done, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
        await done;
      }
      out.end();
    },
  };
}
