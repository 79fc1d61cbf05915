import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";
import { runCli } from "../src/cli/program.js";
import { helmBinary } from "../src/exec/index.js";
import { ensureBaseImage, ensureDockerEngine, startRegistry } from "../test/kit/index.js";
import { RegistryClient } from "../src/registry/index.js";
import type { RunResult } from "../src/release/index.js";
import { startProxy, type Proxy } from "../test/kit/proxy.js";
import { pushBaseIndex } from "../test/kit/base-index.js";
import { installBuildxPlugin, requireArm64Emulation } from "../test/kit/buildkit.js";
import { configureExample, TWO_PLATFORMS } from "../test/kit/example.js";
import { coldCache } from "./cold-cache.js";
import { median } from "./measure.js";

const TARGETS = ["hyrax-base", "hyrax-worker-base", "dassie", "dassie-worker"];
/** Runs of each side (BENCH_RUNS, BENCH_MULTI_RUNS to change). */
const RUNS = Number(process.env.BENCH_RUNS || 5);
/** Fewer: every arm64 step runs under QEMU. */
const MULTI_RUNS = Number(process.env.BENCH_MULTI_RUNS || 3);
const PHASES = ["preflight", "build", "smoke", "suite", "chart", "push", "chart-push", "aliases", "settle"] as const;
type Phases = Partial<Record<(typeof PHASES)[number], number>>;

/**
 * The build phase, in seconds: its wall time (the first build's start to the last one's end) beside the sum of the
 * per-target build times (larger than the wall time where builds overlap), and when the first smoke test started
 * (after the first build's start), which waits for its image's build.
 */
interface BuildPhase {
  readonly wall: number;
  readonly summed: number;
  readonly firstSmoke?: number;
}
type Run = { ms: number; phases: Phases; builds: BuildPhase };

/**
 * A charthouse run's build phase: each step's end is when its progress line arrived (`arrivals`, ms), its start that
 * less its duration from the result.
 */
function charthouseBuilds(result: RunResult, arrivals: readonly { at: number; line: string }[]): BuildPhase {
  const span = (kind: string) =>
    result.steps
      .filter((s) => s.kind === kind && s.status === "ok")
      .map((s) => {
        const end = arrivals.find((a) => a.line.includes(`] ${s.description} … ok`))?.at;
        if (end === undefined) throw new Error(`no progress line for ${s.description}`);
        return { start: end - s.durationMs, end, ms: s.durationMs };
      });
  const builds = span("build");
  const first = Math.min(...builds.map((b) => b.start));
  const smokes = span("smoke");
  return {
    wall: (Math.max(...builds.map((b) => b.end)) - first) / 1000,
    summed: builds.reduce((t, b) => t + b.ms, 0) / 1000,
    ...(smokes.length ? { firstSmoke: (Math.min(...smokes.map((s) => s.start)) - first) / 1000 } : {}),
  };
}

/** Phase times of a charthouse run, from its result: side-by-side steps count once (their longest). */
function charthousePhases(result: RunResult): Phases {
  const sum = (kinds: string[]) =>
    result.steps.filter((s) => kinds.includes(s.kind)).reduce((t, s) => t + s.durationMs, 0) / 1000;
  const longest = (kind: string) =>
    Math.max(0, ...result.steps.filter((s) => s.kind === kind).map((s) => s.durationMs)) / 1000;
  return {
    preflight: result.preflightMs / 1000,
    build: sum(["build"]),
    smoke: longest("smoke"),
    suite: sum(["test"]),
    chart: sum(["chart-deps", "lint", "template"]),
    push: longest("push-image"),
    "chart-push": sum(["package-chart", "push-chart"]),
    aliases: longest("move-alias"),
    settle: result.settleMs / 1000,
  };
}

/**
 * `charthouse publish --nightly` on examples/hyrax against bench/baseline.sh, the script a
 * maintainer would write to do the same work by hand (every gate, every push): same engine,
 * same builder (BuildKit through buildx, the user's CLI plugin), same registry, runs
 * interleaved; first runs from an empty build cache and an empty registry namespace,
 * reruns unchanged. Medians, a per-phase breakdown, and the blobs each rerun uploaded
 * (through a recording proxy). Then the same for the example built for two platforms
 * (linux/arm64 emulated), against the baseline's buildx-and-imagetools equivalent.
 */
export async function benchPublish(): Promise<void> {
  installBuildxPlugin();
  requireArm64Emulation();
  const engine = await ensureDockerEngine();
  await ensureBaseImage(engine.host);
  const registry = await startRegistry();
  const proxy = await startProxy(registry.host);
  const work = mkdtempSync(join(tmpdir(), "charthouse-bench-"));
  try {
    const base = await pushBaseIndex(new RegistryClient(), proxy.host);
    const env = { ...process.env, DOCKER_HOST: engine.host };
    await comparePublish({
      env,
      proxy,
      work,
      runs: RUNS,
      label: "publish examples/hyrax nightly (4 images, 1 chart, every gate)",
      namespace: "one",
    });
    await comparePublish({
      env,
      proxy,
      work,
      runs: MULTI_RUNS,
      label: `the same for ${TWO_PLATFORMS.join(" + ")} (arm64 emulated): 8 builds and smoke tests, 4 indexes`,
      namespace: "two",
      multi: { platforms: TWO_PLATFORMS, base },
    });
  } finally {
    await proxy.stop();
    await registry.stop();
    rmSync(work, { recursive: true, force: true });
    await engine.stop();
  }
}

interface Comparison {
  readonly env: NodeJS.ProcessEnv;
  readonly proxy: Proxy;
  readonly work: string;
  readonly runs: number;
  readonly label: string;
  readonly namespace: string;
  readonly multi?: { readonly platforms: readonly string[]; readonly base: string };
}

async function comparePublish(c: Comparison): Promise<void> {
  const { env, proxy, work } = c;
  const example = new URL("../../examples/hyrax", import.meta.url).pathname;
  const baselineScript = new URL("../../bench/baseline.sh", import.meta.url).pathname;
  const uploads = () => proxy.recorded.filter((r) => r.method === "POST" && r.path.includes("/blobs/uploads/")).length;
  const sha = "c".repeat(40);
  const builders = new Set<string>();
  const baseline = async (ns: string): Promise<Run> => {
    const started = performance.now();
    const platforms = c.multi ? { PLATFORMS: c.multi.platforms.join(" "), BASE_IMAGE: c.multi.base } : {};
    const { stdout } = await promisify(execFile)("sh", [baselineScript, example], {
      env: {
        ...env,
        ...platforms,
        REGISTRY: `${proxy.host}/${ns}`,
        DATE: "20261124",
        REVISION: sha,
        CREATED: "2026-11-23T18:00:00Z",
        HELM: helmBinary(),
      },
    });
    const phases: Phases = {};
    let summed = 0;
    for (const m of stdout.matchAll(/^phase (\S+) ([\d.]+)$/gm)) {
      if (m[1]!.startsWith("target-")) summed += Number(m[2]);
      else phases[m[1] as keyof Phases] = Number(m[2]);
    }
    // One build after another: the phase's wall time is its builds'; the smoke tests start after the last one.
    const builds = { wall: phases.build ?? 0, summed, firstSmoke: phases.build ?? 0 };
    return { ms: performance.now() - started, phases, builds };
  };
  const charthouse = async (ns: string): Promise<Run> => {
    const project = join(work, ns);
    rmSync(project, { recursive: true, force: true });
    cpSync(example, project, { recursive: true });
    configureExample(project, `${proxy.host}/${ns}`, c.multi);
    const started = performance.now();
    let json = "";
    let progress = "";
    const arrivals: { at: number; line: string }[] = [];
    const code = await runCli(["publish", "--nightly", "--date", "2026-11-24", "--sha", sha, "--json"], {
      stdout: (t) => void (json += t),
      stderr: (t) => {
        const at = performance.now();
        for (const line of t.split("\n")) if (line) arrivals.push({ at, line });
        progress += t;
      },
      env,
      cwd: project,
      now: () => new Date(),
    });
    if (code !== 0) throw new Error(`charthouse publish exited ${code}: ${progress.slice(-2000)}`);
    for (const m of progress.matchAll(/^builder: (.+)$/gm)) builders.add(m[1]!);
    const result = JSON.parse(json) as RunResult;
    return {
      ms: performance.now() - started,
      phases: charthousePhases(result),
      builds: charthouseBuilds(result, arrivals),
    };
  };

  const results = {
    baseFirst: [] as Run[],
    chFirst: [] as Run[],
    baseRerun: [] as number[],
    chRerun: [] as number[],
    baseBlobs: [] as number[],
    chBlobs: [] as number[],
  };
  for (let i = 0; i < c.runs; i++) {
    // Each first run from a cold cache, its rerun right after it (its own cache warm).
    await coldCache(env, proxy.host);
    results.baseFirst.push(await baseline(`${c.namespace}-baseline${i}`));
    let before = uploads();
    results.baseRerun.push((await baseline(`${c.namespace}-baseline${i}`)).ms);
    results.baseBlobs.push(uploads() - before);
    await coldCache(env, proxy.host);
    results.chFirst.push(await charthouse(`${c.namespace}-charthouse${i}`));
    before = uploads();
    results.chRerun.push((await charthouse(`${c.namespace}-charthouse${i}`)).ms);
    results.chBlobs.push(uploads() - before);
  }
  const first = median(results.chFirst.map((r) => r.ms)) / median(results.baseFirst.map((r) => r.ms));
  const rerun = median(results.chRerun) / median(results.baseRerun);
  console.log(`\n${c.label}, ${c.runs} interleaved runs each, medians`);
  console.log(
    `  builder: charthouse ${[...builders].join(", ")}; baseline docker buildx build --load on the same engine`,
  );
  console.log(`  ${"phase".padEnd(12)} ${"charthouse s".padStart(13)} ${"baseline s".padStart(11)}`);
  // The build phase counts each build's time: more than its wall time where they overlap (see below).
  for (const phase of PHASES) {
    const ch = median(results.chFirst.map((r) => r.phases[phase] ?? 0));
    const base = median(results.baseFirst.map((r) => r.phases[phase] ?? 0));
    console.log(`  ${phase.padEnd(12)} ${ch.toFixed(2).padStart(13)} ${base.toFixed(2).padStart(11)}`);
  }
  console.log(
    `  ${"total".padEnd(12)} ${(median(results.chFirst.map((r) => r.ms)) / 1000).toFixed(2).padStart(13)} ` +
      `${(median(results.baseFirst.map((r) => r.ms)) / 1000).toFixed(2).padStart(11)}`,
  );
  const build = (runs: Run[], key: keyof BuildPhase) => median(runs.map((r) => r.builds[key] ?? 0)).toFixed(2);
  console.log(
    `  build phase: charthouse ${build(results.chFirst, "wall")} s wall (first build start to last build end), ` +
      `${build(results.chFirst, "summed")} s summed per target; baseline ${build(results.baseFirst, "wall")} s wall, ` +
      `${build(results.baseFirst, "summed")} s summed`,
  );
  console.log(
    `  first smoke test starts after the first build started: charthouse ${build(results.chFirst, "firstSmoke")} s ` +
      `(per run: ${results.chFirst.map((r) => r.builds.firstSmoke?.toFixed(2)).join(", ")}), baseline ` +
      `${build(results.baseFirst, "firstSmoke")} s`,
  );
  console.log(
    `  reruns: charthouse ${(median(results.chRerun) / 1000).toFixed(2)} s (blobs uploaded: ` +
      `${results.chBlobs.join(", ")}), baseline ${(median(results.baseRerun) / 1000).toFixed(2)} s (blobs: ` +
      `${results.baseBlobs.join(", ")})`,
  );
  const each = (runs: Run[]) => runs.map((r) => (r.ms / 1000).toFixed(2)).join(", ");
  console.log(`  first runs: charthouse ${each(results.chFirst)} s; baseline ${each(results.baseFirst)} s`);
  console.log(`first run: charthouse / equal-work baseline = ${first.toFixed(2)}`);
  console.log(`rerun: charthouse / equal-work baseline = ${rerun.toFixed(2)}`);
}
