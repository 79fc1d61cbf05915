import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { charthouse } from "../../kit/cli.js";
import { expectGolden } from "../../kit/golden.js";
import { digestOf, state } from "../../kit/builders.js";
import { tempTree } from "../../kit/temp-dir.js";
import { joined } from "../../kit/regex.js";

const SHA = "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d";
const EXAMPLE = ["--config", "examples/hyrax/charthouse.yaml", "--sha", SHA];
const IMAGES = ["hyrax-base", "hyrax-worker-base", "dassie", "dassie-worker"];

async function planJson(args: string[], registryState?: object) {
  const extra: string[] = [];
  if (registryState) {
    const dir = tempTree();
    writeFileSync(join(dir, "state.json"), JSON.stringify({ version: 1, ...registryState }));
    extra.push("--registry-state", join(dir, "state.json"));
  }
  const run = await charthouse(["plan", ...EXAMPLE, ...args, ...extra, "--json"]);
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout);
}

/** Every immutable and alias reference the plan publishes. */
function published(plan: any): string[] {
  return [
    ...plan.images.filter((i: any) => i.publication.action === "push").map((i: any) => `${i.repository}:${i.tag}`),
    ...plan.charts.filter((c: any) => c.publication.action === "push").map((c: any) => `${c.repository}:${c.version}`),
    ...plan.aliases.map((a: any) => `${a.repository}:${a.alias}`),
  ];
}

describe("charthouse plan on the Hyrax example", () => {
  it(
    "--nightly --date 2026-11-24: four images at nightly-20261124 and nightly, the chart at a -nightly.20261124 " +
      "prerelease",
    async () => {
      const plan = await planJson(["--nightly", "--date", "2026-11-24"]);
      expect(plan.version).toBe(1);
      expect(plan.images.map((i: any) => [i.name, i.tag])).toEqual(IMAGES.map((n) => [n, "nightly-20261124"]));
      expect(plan.aliases.map((a: any) => `${a.repository}:${a.alias}`)).toEqual(
        IMAGES.map((n) => `ghcr.io/samvera/${n}:nightly`),
      );
      expect(plan.charts).toHaveLength(1);
      expect(plan.charts[0].version).toMatch(/-nightly\.20261124$/);
      expect(plan.charts[0].appVersion).toBe("nightly-20261124");
      expect(plan.steps.at(-1)).toMatchObject({ kind: "move-alias", phase: "alias" });
    },
  );

  it("--tag v5.0.1 when the registry's highest release is 5.1.0: 5.0.1 and 5.0, neither 5 nor latest", async () => {
    const s = state();
    for (const n of IMAGES) s.release(`ghcr.io/samvera/${n}`, "5.1.0", ["5.1", "5", "latest"]);
    const plan = await planJson(["--tag", "v5.0.1"], s.build());
    const refs = published(plan);
    for (const n of IMAGES) {
      expect(refs).toContain(`ghcr.io/samvera/${n}:5.0.1`);
      expect(refs).toContain(`ghcr.io/samvera/${n}:5.0`);
      expect(refs).not.toContain(`ghcr.io/samvera/${n}:5`);
      expect(refs).not.toContain(`ghcr.io/samvera/${n}:latest`);
    }
  });

  it("--tag v5.0.1 against highest 5.0.0: 5.0.1, 5.0, 5 and latest", async () => {
    const s = state();
    for (const n of IMAGES) s.release(`ghcr.io/samvera/${n}`, "5.0.0", ["5.0", "5", "latest"]);
    const refs = published(await planJson(["--tag", "v5.0.1"], s.build()));
    for (const n of IMAGES)
      for (const t of ["5.0.1", "5.0", "5", "latest"]) expect(refs).toContain(`ghcr.io/samvera/${n}:${t}`);
  });

  it("--tag v5.1.0-rc.1: only 5.1.0-rc.1", async () => {
    const plan = await planJson(["--tag", "v5.1.0-rc.1"]);
    expect(published(plan).filter((r) => !r.includes("/charts/"))).toEqual(
      IMAGES.map((n) => `ghcr.io/samvera/${n}:5.1.0-rc.1`),
    );
  });

  it("--pr publishes nothing and still lists every gate", async () => {
    const plan = await planJson(["--pr", "42"]);
    expect(published(plan)).toEqual([]);
    expect(plan.steps.map((s: any) => s.kind)).toEqual([
      "build",
      "build",
      "build",
      "build",
      "smoke",
      "smoke",
      "smoke",
      "smoke",
      "test",
      "chart-deps",
      "lint",
      "template",
    ]);
  });

  it("a rerun against a state holding the run's tags from the same commit plans no push at all", async () => {
    const first = await planJson(["--nightly", "--date", "2026-11-24"]);
    const s = state();
    for (const i of first.images) {
      s.tag(i.repository, i.tag, { revision: SHA });
      s.tag(i.repository, "nightly", { revision: SHA, digest: digestOf(`${i.repository}:${i.tag}`) });
    }
    s.tag(first.charts[0].repository, first.charts[0].version, { revision: SHA });
    const rerun = await planJson(["--nightly", "--date", "2026-11-24"], s.build());
    expect(published(rerun)).toEqual([]);
    expect(rerun.steps).toEqual([]);
  });
});

describe("plan output for people", () => {
  it("prints the nightly plan as tables and numbered steps", async () => {
    const run = await charthouse(["plan", ...EXAMPLE, "--nightly", "--date", "2026-11-24"]);
    expect(run.code).toBe(0);
    expectGolden("plan-nightly.txt", run.stdout);
  });

  it("prints a rerun as nothing to do", async () => {
    const s = state();
    for (const n of IMAGES) s.release(`ghcr.io/samvera/${n}`, "5.0.1", ["5.0", "5", "latest"], { revision: SHA });
    s.tag("ghcr.io/samvera/charts/hyrax", "3.7.4", { revision: SHA });
    const dir = tempTree({ "state.json": JSON.stringify({ version: 1, ...s.build() }) });
    const run = await charthouse(["plan", ...EXAMPLE, "--tag", "v5.0.1", "--registry-state", join(dir, "state.json")]);
    expect(run.stdout).toContain("Nothing to do: every artifact of this run is already published from this commit.");
    expect(run.stdout).toContain("skip (published from this commit)");
  });
});

describe("exit codes and errors", () => {
  it("exits 3 on a policy refusal, naming both commits, and builds nothing", async () => {
    const s = state().tag("ghcr.io/samvera/dassie", "5.0.1");
    const dir = tempTree({ "state.json": JSON.stringify({ version: 1, ...s.build() }) });
    const run = await charthouse(["plan", ...EXAMPLE, "--tag", "v5.0.1", "--registry-state", join(dir, "state.json")]);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(
      joined(
        /^charthouse: charthouse refuses this run; nothing was built or pushed:\n  - ghcr.io\/samvera\/dassie:5.0.1 /,
        /is already published from commit ffffeee, and this run builds 1a2b3c4/,
      ),
    );
  });

  it("exits 2 on a config error, listing every problem with file:line:column", async () => {
    const dir = tempTree({ "charthouse.yaml": "registry: ghcr.io/x\nimagse: []\ncharts:\n  - path: nope\n" });
    const run = await charthouse(["check", "--config", join(dir, "charthouse.yaml")], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      "charthouse: " +
        join(dir, "charthouse.yaml") +
        " has 2 problems:\n" +
        '  charthouse.yaml:2:1: imagse: unknown key "imagse"; did you mean "images"? Fix: rename it to images.\n' +
        "  charthouse.yaml:4:11: charts[0].path: nope holds no Chart.yaml. Fix: point charts[].path at a chart " +
        "directory (relative to charthouse.yaml).\n",
    );
  });

  it("exits 2 on conflicting flags", async () => {
    const run = await charthouse(["plan", ...EXAMPLE, "--nightly", "--tag", "v1.0.0"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--nightly and --tag name different runs/);
  });

  it("exits 2 on an unknown option, with a hint", async () => {
    const run = await charthouse(["plan", "--nigthly"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/unknown option '--nigthly'[\s\S]*Did you mean --nightly\?/);
  });

  it("exits 2 on a malformed registry state, naming the field", async () => {
    const dir = tempTree({
      "s.json": JSON.stringify({ version: 1, repositories: { "ghcr.io/x/y": { "1.0.0": { digest: "nope" } } } }),
    });
    const run = await charthouse(["plan", ...EXAMPLE, "--registry-state", join(dir, "s.json")]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/repositories\["ghcr.io\/x\/y"\]\["1.0.0"\]\.digest must be sha256:<64 hex>/);
  });

  it("check accepts the example", async () => {
    const run = await charthouse(["check", "--config", "examples/hyrax/charthouse.yaml"]);
    expect(run).toEqual({
      code: 0,
      stderr: "",
      stdout: "examples/hyrax/charthouse.yaml is valid: 4 images, 1 chart, a test gate with 4 services.\n",
    });
  });
});

describe("--help explains", () => {
  it.each(["", "plan", "check"])("charthouse %s --help", async (command) => {
    const run = await charthouse([...(command ? [command] : []), "--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Exit codes( \(sync has its own: charthouse sync --help\))?:/);
    expectGolden(`help-${command || "charthouse"}.txt`, run.stdout);
  });
});

describe("help and messages that tell the truth", () => {
  it("lint and package in a project with no charts say there is nothing to lint or package", async () => {
    const dir = tempTree({ "charthouse.yaml": "registry: ghcr.io/x\n" });
    const lint = await charthouse(["lint", "--sha", "1".repeat(40)], { cwd: dir });
    expect(lint.code).toBe(0);
    expect(lint.stdout).toMatch(/Nothing to lint for local run .*: charthouse\.yaml declares no chart to lint\./);
    const pkg = await charthouse(["package", "--sha", "1".repeat(40), "--output", join(dir, "out")], { cwd: dir });
    expect(pkg.stdout).toMatch(/Nothing to package for .*: charthouse\.yaml declares no chart to package\./);
  });

  it.each([
    ["sync", ["0", "1", "2", "10", "20", "21", "22"]],
    ["updater-role", ["0", "1", "2"]],
    ["init", ["0", "1", "2"]],
    ["check", ["0", "1", "2"]],
    ["publish", ["0", "1", "2", "3", "4", "5", "130"]],
    ["lint", ["0", "1", "2", "3", "4", "130"]],
  ])("%s --help lists its own exit codes, and only those", async (command, codes) => {
    const help = (await charthouse([command, "--help"])).stdout;
    const listed = [...help.slice(help.indexOf("Exit codes")).matchAll(/^ {2}(\d+) /gm)].map((m) => m[1]);
    expect(listed).toEqual(codes);
  });

  it("test, lint and package take no registry credentials, which they would ignore", async () => {
    for (const command of ["test", "lint", "package"])
      expect((await charthouse([command, "--help"])).stdout).not.toMatch(/--registry-(username|password)/);
    expect((await charthouse(["publish", "--help"])).stdout).toMatch(/--registry-password-stdin/);
  });
});
