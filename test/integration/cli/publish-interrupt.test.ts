import { execFileSync, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it, onTestFinished } from "vitest";
import { startRegistry, type LocalRegistry } from "../../kit/index.js";
import { RegistryClient } from "../../../src/registry/index.js";
import { PROJECT_LABEL } from "../../../src/engines/docker/index.js";
import { exampleProject } from "../../kit/temp-dir.js";
import { joined } from "../../kit/regex.js";

const BIN = new URL("../../../bin/charthouse.js", import.meta.url).pathname;
let registry: LocalRegistry;

beforeAll(async () => {
  registry = await startRegistry();
});
afterAll(async () => registry?.stop());

function docker(args: string[]): string {
  return execFileSync("docker", args, {
    env: { ...process.env, DOCKER_HOST: inject("dockerHost") },
    encoding: "utf8",
  }).trim();
}

describe("Ctrl-C during a run (the real CLI process, SIGINT)", () => {
  it("removes the run's containers and network, moves no alias, and exits 130", async () => {
    // A service that is never ready holds the run in the test gate.
    const project = exampleProject(`${registry.host}/samvera`);
    const file = join(project, "charthouse.yaml");
    writeFileSync(
      file,
      readFileSync(file, "utf8").replace(
        'ready: ["wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/"]',
        'ready: ["false"]\n      readyTimeoutSeconds: 600',
      ),
    );
    // This project's containers and networks only: other suites publish on the same engine meanwhile.
    const mine = `label=${PROJECT_LABEL}=${project}`;
    const ours = (ids: string) => ids.split("\n").filter(Boolean);
    const child = spawn(
      process.execPath,
      [BIN, "publish", "--nightly", "--date", "2026-11-24", "--sha", "b".repeat(40)],
      {
        cwd: project,
        env: { ...process.env, DOCKER_HOST: inject("dockerHost") },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    onTestFinished(() => {
      if (child.exitCode === null) child.kill("SIGINT");
    });

    // Wait until all four services run (they start with the gates, side by side, in any order)
    // and the four smoke tests have passed (the test step, held by fcrepo, is then the only
    // step running), then interrupt.
    const running = () => ours(docker(["ps", "--quiet", "--filter", mine]));
    const smoked = () => (output.match(/smoke-test .* … ok/g) ?? []).length;
    const deadline = Date.now() + 60_000;
    while ((running().length < 4 || smoked() < 4) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    expect(running()).toHaveLength(4);
    expect(smoked()).toBe(4);
    child.kill("SIGINT");

    expect(await exited).toBe(130);
    expect(output).toMatch(/interrupted; removing the run's containers and network/);
    expect(output).toMatch(
      joined(
        /charthouse: interrupted during: test in dassie .*; the run's containers and network were removed and no /,
        /alias was moved\. Nothing was pushed\./,
      ),
    );
    expect(ours(docker(["ps", "--all", "--quiet", "--filter", mine]))).toEqual([]);
    expect(ours(docker(["network", "ls", "--quiet", "--filter", mine]))).toEqual([]);
    const client = new RegistryClient();
    for (const name of ["hyrax-base", "dassie"])
      expect(await client.listTags(`${registry.host}/samvera/${name}`)).toEqual([]);
  });
});
