import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { runProcess } from "../src/exec/index.js";
import { ensureBaseImage, ensureDockerEngine, execTool, startRegistry } from "../test/kit/index.js";
import type { RunResult } from "../src/release/index.js";
import { coldCache } from "./cold-cache.js";
import { median } from "./measure.js";

const RUNS = 3;
const TARGET = 0.05;

/**
 * examples/hyrax's four targets with real work in them: each writes megabytes of random
 * (incompressible) bytes into its layer and compresses them a few times over (seconds of
 * CPU). About 100 MB of layers in all; the chart, services and tests are the example's.
 */
const HEAVY_DOCKERFILE = `ARG BASE_IMAGE=localhost/charthouse/busybox:1.35
FROM \${BASE_IMAGE} AS hyrax-base
WORKDIR /app/samvera/hyrax-webapp
COPY bin/ /app/samvera/bin/
RUN mkdir -p /data && dd if=/dev/urandom of=/data/base.bin bs=1M count=40 2>/dev/null \\
 && for i in 1 2; do gzip -9 -c /data/base.bin > /dev/null; done && echo "hyrax-engine" > /app/samvera/ENGINE
CMD ["sh", "/app/samvera/bin/web"]

FROM hyrax-base AS hyrax-worker-base
RUN dd if=/dev/urandom of=/data/worker.bin bs=1M count=20 2>/dev/null \\
 && for i in 1 2 3; do gzip -9 -c /data/worker.bin > /dev/null; done
CMD ["sh", "/app/samvera/bin/worker"]

FROM hyrax-base AS dassie
COPY dassie/ ./
RUN dd if=/dev/urandom of=/data/dassie.bin bs=1M count=20 2>/dev/null \\
 && for i in 1 2 3; do gzip -9 -c /data/dassie.bin > /dev/null; done && echo "dassie" > APP

FROM hyrax-worker-base AS dassie-worker
COPY dassie/ ./
RUN dd if=/dev/urandom of=/data/dassie-worker.bin bs=1M count=20 2>/dev/null \\
 && for i in 1 2 3; do gzip -9 -c /data/dassie-worker.bin > /dev/null; done && echo "dassie-worker" > APP
`;

type Span = { kind: "process" | "http"; what: string; start: number; end: number };

/** Milliseconds of [from, to] covered by at least one span. */
function covered(spans: Span[], from: number, to: number): number {
  const sorted = spans
    .map((s) => [Math.max(s.start, from), Math.min(s.end, to)] as const)
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let total = 0;
  let [curStart, curEnd] = [-Infinity, -Infinity];
  for (const [a, b] of sorted) {
    if (a > curEnd) {
      if (curEnd > curStart) total += curEnd - curStart;
      [curStart, curEnd] = [a, b];
    } else curEnd = Math.max(curEnd, b);
  }
  if (curEnd > curStart) total += curEnd - curStart;
  return total;
}

/**
 * `charthouse publish --nightly` as a fresh process on a generated fixture with real build
 * work (HEAVY_DOCKERFILE): how much of its wall time has no docker, helm or registry work in
 * flight — start-up, config, planning, its own bookkeeping, waits between polls, the alias
 * settle. Recorded by bench/record-work.ts preloaded into the process: a span for each
 * process it starts and each HTTP request it makes; the rest of the wall time is its own.
 * Caches cold and a new registry namespace for every run.
 */
export async function benchWork(): Promise<void> {
  const engine = await ensureDockerEngine();
  await ensureBaseImage(engine.host);
  const registry = await startRegistry();
  const env = { ...process.env, DOCKER_HOST: engine.host };
  const work = mkdtempSync(join(tmpdir(), "charthouse-bench-work-"));
  const bin = new URL("../../bin/charthouse.js", import.meta.url).pathname;
  const recorder = new URL("./record-work.js", import.meta.url).href;
  const docker = (args: string[]) => execTool("docker", args, { env });
  try {
    const project = join(work, "project");
    cpSync(new URL("../../examples/hyrax", import.meta.url).pathname, project, { recursive: true });
    const config = readFileSync(join(project, "charthouse.yaml"), "utf8");
    const rows: {
      wall: number;
      own: number;
      processes: number;
      http: number;
      sum: number;
      build: number;
      layersMb: number;
    }[] = [];
    for (let i = 0; i < RUNS; i++) {
      await coldCache(env, registry.host);
      // And a base stage no earlier run built, so no layer of one can answer for it.
      writeFileSync(
        join(project, "Dockerfile"),
        HEAVY_DOCKERFILE.replace("COPY bin/", `RUN echo bench-run-${Date.now()}-${i} > /run-id\nCOPY bin/`),
      );
      writeFileSync(
        join(project, "charthouse.yaml"),
        config.replace("registry: ghcr.io/samvera", `registry: ${registry.host}/work${i}`),
      );
      const log = join(work, `spans-${i}.json`);
      const started = performance.timeOrigin + performance.now();
      const { code, stdout, output } = await runProcess(
        process.execPath,
        ["--import", recorder, bin, "publish", "--nightly", "--date", "2026-11-24", "--sha", "d".repeat(40), "--json"],
        {
          cwd: project,
          env: { ...env, BENCH_WORK_LOG: log },
        },
      );
      const ended = performance.timeOrigin + performance.now();
      if (code !== 0) throw new Error(`charthouse publish exited ${code}: ${output.slice(-2000)}`);
      const result = JSON.parse(stdout) as RunResult;
      const spans = JSON.parse(readFileSync(log, "utf8")) as Span[];
      const wall = ended - started;
      const busy = covered(spans, started, ended);
      // Layers this run built (the busybox base left out): each image's history, unique by layer.
      const sizes = new Map<string, number>();
      for (const name of ["hyrax-base", "hyrax-worker-base", "dassie", "dassie-worker"]) {
        const history = (
          await docker([
            "history",
            "--no-trunc",
            "--human=false",
            "--format",
            "{{.ID}} {{.Size}} {{.CreatedBy}}",
            `${registry.host}/work${i}/${name}:nightly-20261124`,
          ])
        ).stdout;
        for (const line of history.split("\n").filter(Boolean)) {
          const [id, size, ...by] = line.split(" ");
          if (!by.join(" ").includes("ADD file") && id) sizes.set(`${id} ${by.join(" ")}`, Number(size));
        }
      }
      rows.push({
        wall,
        own: wall - busy,
        processes: spans.filter((s) => s.kind === "process").length,
        http: spans.filter((s) => s.kind === "http").length,
        sum: spans.reduce((t, s) => t + (s.end - s.start), 0),
        build: result.steps.filter((s) => s.kind === "build").reduce((t, s) => t + s.durationMs, 0),
        layersMb: [...sizes.values()].reduce((t, s) => t + s, 0) / 1e6,
      });
    }
    console.log(
      `\npublish --nightly of examples/hyrax with real build work (generated), fresh process, caches cold, ${RUNS} ` +
        "runs, medians",
    );
    for (const [n, r] of rows.entries()) {
      console.log(
        `  run ${n + 1}: wall ${(r.wall / 1000).toFixed(2)} s; docker/helm/registry work in flight ` +
          `${((r.wall - r.own) / 1000).toFixed(2)} s (${r.processes} processes, ${r.http} HTTP requests; ` +
          `${(r.sum / 1000).toFixed(2)} s summed); builds ${(r.build / 1000).toFixed(2)} s; layers ` +
          `${r.layersMb.toFixed(1)} MB; charthouse alone ${(r.own / 1000).toFixed(3)} s`,
      );
    }
    const share = median(rows.map((r) => r.own / r.wall));
    console.log(
      "charthouse's own time (nothing of docker, helm or the registry in flight) / wall time = " +
        `${(share * 100).toFixed(1)} % (target ≤ ${TARGET * 100} %) ${share <= TARGET ? "✓" : "✗"}`,
    );
  } finally {
    await registry.stop();
    rmSync(work, { recursive: true, force: true });
    await engine.stop();
  }
}
