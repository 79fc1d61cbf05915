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
const RUNS = 5;
/** Fewer: every arm64 step runs under QEMU. */
const MULTI_RUNS = 3;
const PHASES = ["preflight", "build", "smoke", "suite", "chart", "push", "chart-push", "aliases", "settle"] as const;
type Phases = Partial<Record<(typeof PHASES)[number], number>>;

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
  const baseline = async (ns: string): Promise<{ ms: number; phases: Phases }> => {
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
    for (const m of stdout.matchAll(/^phase (\S+) ([\d.]+)$/gm)) phases[m[1] as keyof Phases] = Number(m[2]);
    return { ms: performance.now() - started, phases };
  };
  const charthouse = async (ns: string): Promise<{ ms: number; phases: Phases }> => {
    const project = join(work, ns);
    rmSync(project, { recursive: true, force: true });
    cpSync(example, project, { recursive: true });
    configureExample(project, `${proxy.host}/${ns}`, c.multi);
    const started = performance.now();
    let json = "";
    let progress = "";
    const code = await runCli(["publish", "--nightly", "--date", "2026-11-24", "--sha", sha, "--json"], {
      stdout: (t) => void (json += t),
      stderr: (t) => void (progress += t),
      env,
      cwd: project,
      now: () => new Date(),
    });
    if (code !== 0) throw new Error(`charthouse publish exited ${code}: ${progress.slice(-2000)}`);
    for (const m of progress.matchAll(/^builder: (.+)$/gm)) builders.add(m[1]!);
    return { ms: performance.now() - started, phases: charthousePhases(JSON.parse(json) as RunResult) };
  };

  const results = {
    baseFirst: [] as { ms: number; phases: Phases }[],
    chFirst: [] as { ms: number; phases: Phases }[],
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
  for (const phase of PHASES) {
    const ch = median(results.chFirst.map((r) => r.phases[phase] ?? 0));
    const base = median(results.baseFirst.map((r) => r.phases[phase] ?? 0));
    console.log(`  ${phase.padEnd(12)} ${ch.toFixed(2).padStart(13)} ${base.toFixed(2).padStart(11)}`);
  }
  console.log(
    `  ${"total".padEnd(12)} ${(median(results.chFirst.map((r) => r.ms)) / 1000).toFixed(2).padStart(13)} ` +
      `${(median(results.baseFirst.map((r) => r.ms)) / 1000).toFixed(2).padStart(11)}`,
  );
  console.log(
    `  reruns: charthouse ${(median(results.chRerun) / 1000).toFixed(2)} s (blobs uploaded: ` +
      `${results.chBlobs.join(", ")}), baseline ${(median(results.baseRerun) / 1000).toFixed(2)} s (blobs: ` +
      `${results.baseBlobs.join(", ")})`,
  );
  console.log(`first run: charthouse / equal-work baseline = ${first.toFixed(2)}`);
  console.log(`rerun: charthouse / equal-work baseline = ${rerun.toFixed(2)}`);
}
