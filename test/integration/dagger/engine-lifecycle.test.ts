import { existsSync, readFileSync, readlinkSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { daggerEngineMissing, startDaggerEngine } from "../../kit/dagger-engine.js";
import { execTool } from "../../kit/index.js";

const missing = daggerEngineMissing();

/**
 * What the engine would change on the host if it ran there: interfaces named for slirp4netns or Dagger, and nat
 * rules naming slirp's or the engine's subnets. Only those: other suites' containers may come and go meanwhile.
 */
async function engineTraces(): Promise<string[]> {
  const links = (await execTool("ip", ["-o", "link", "show"])).stdout.split("\n");
  const nat = await execTool("iptables-legacy-save", ["-t", "nat"]).then(
    (r) => r.stdout.split("\n"),
    () => [],
  );
  return [...links, ...nat].filter((line) => /\btap0\b|dagger|10\.0\.2\.|10\.87\./.test(line));
}

describe.skipIf(missing)(missing ? `the engine's lifecycle (skipped: ${missing})` : "the engine's lifecycle", () => {
  it("runs in namespaces of its own and leaves no process, mount or network change behind", async () => {
    const before = await engineTraces();
    const resolv = readFileSync("/etc/resolv.conf", "utf8");
    const engine = await startDaggerEngine({ sdk: null });
    const state = engine.runnerHost.replace(/^unix:\/\//, "").replace(/\/run\/dagger\/engine\.sock$/, "");
    // The namespace's pid 1, the engine under it, unshare and slirp4netns.
    const pids = [...engine.pids, ...children(engine.pid)];
    expect(pids.length).toBeGreaterThanOrEqual(4);
    try {
      for (const ns of ["mnt", "net", "pid"])
        expect(readlinkNs(engine.pid, ns), ns).not.toBe(readlinkNs(process.pid, ns));
      // Its overlay and binds are in its own mount namespace: the host sees none of them.
      expect(readFileSync("/proc/self/mounts", "utf8")).not.toContain(state);
      expect(await engineTraces()).toEqual(before);
      expect(readFileSync("/etc/resolv.conf", "utf8")).toBe(resolv);
    } finally {
      await engine.stop();
    }
    for (const pid of pids) expect(existsSync(`/proc/${pid}`), `pid ${pid}`).toBe(false);
    expect(existsSync(state)).toBe(false);
    expect(await engineTraces()).toEqual(before);
  }, 300_000);
});

const readlinkNs = (pid: number, ns: string): string => readlinkSync(`/proc/${pid}/ns/${ns}`);

function children(pid: number): number[] {
  return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
}
