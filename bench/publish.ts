import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { helmBinary } from "../src/exec/index.js";
import { runCli } from "../src/cli/program.js";
import { ensureBaseImage, ensureDockerEngine, run, startRegistry } from "../src/local/index.js";
import { startProxy } from "../test/infra/proxy.js";
import { report } from "./measure.js";

const TARGETS = ["hyrax-base", "hyrax-worker-base", "dassie", "dassie-worker"];

/**
 * `charthouse publish --nightly` on examples/hyrax against the hand-written baseline a
 * maintainer would script (docker build + docker push of every tag + helm package +
 * helm push), same engine, same registry, each from an empty build cache; then both
 * rerun unchanged. Counts blob uploads through a recording proxy.
 */
export async function benchPublish(): Promise<void> {
  const engine = await ensureDockerEngine();
  await ensureBaseImage(engine.host);
  const registry = await startRegistry();
  const proxy = await startProxy(registry.host);
  const env = { ...process.env, DOCKER_HOST: engine.host };
  const example = new URL("../../examples/hyrax", import.meta.url).pathname;
  const work = mkdtempSync(join(tmpdir(), "charthouse-bench-"));
  const uploads = () => proxy.recorded.filter((r) => r.method === "POST" && r.path.includes("/blobs/uploads/")).length;
  // Async: the recording proxy runs in this process and must keep answering.
  const docker = (args: string[]) => run("docker", args, { env });
  const helm = (args: string[]) => run(helmBinary(), args, { env });
  const coldCache = async () => {
    for (const ns of ["baseline", "charthouse"]) for (const t of TARGETS) for (const tag of ["nightly-20261124", "nightly"]) {
      await docker(["image", "rm", "--force", `${proxy.host}/${ns}/${t}:${tag}`]).catch(() => undefined);
    }
    await docker(["builder", "prune", "--all", "--force"]);
  };
  try {
    const baseline = async (): Promise<number> => {
      const started = performance.now();
      for (const target of TARGETS) {
        const ref = `${proxy.host}/baseline/${target}`;
        await docker(["build", "--target", target, "--tag", `${ref}:nightly-20261124`, "--tag", `${ref}:nightly`, example]);
        await docker(["push", `${ref}:nightly-20261124`]);
        await docker(["push", `${ref}:nightly`]);
      }
      const chartDir = join(work, "baseline-chart");
      rmSync(chartDir, { recursive: true, force: true });
      cpSync(join(example, "chart"), chartDir, { recursive: true });
      await helm(["dependency", "build", join(chartDir, "hyrax")]);
      await helm(["package", join(chartDir, "hyrax"), "--version", "3.7.4-nightly.20261124", "--destination", join(work, "pkg")]);
      await helm(["push", join(work, "pkg", "hyrax-3.7.4-nightly.20261124.tgz"), `oci://${proxy.host}/baseline/charts`, "--plain-http"]);
      return performance.now() - started;
    };
    const project = join(work, "project");
    cpSync(example, project, { recursive: true });
    writeFileSync(join(project, "charthouse.yaml"), readFileSync(join(project, "charthouse.yaml"), "utf8").replace("registry: ghcr.io/samvera", `registry: ${proxy.host}/charthouse`));
    let gatesMs = 0;
    const charthouse = async (): Promise<number> => {
      const started = performance.now();
      let json = "";
      const code = await runCli(["publish", "--nightly", "--date", "2026-11-24", "--sha", "c".repeat(40), "--json"], {
        stdout: (t) => void (json += t),
        stderr: () => undefined,
        env: { ...env },
        cwd: project,
        now: () => new Date(),
      });
      if (code !== 0) throw new Error(`charthouse publish exited ${code}`);
      const steps = (JSON.parse(json) as { steps: { description: string; phase: string; durationMs: number }[] }).steps;
      // The gates the baseline does not run: smoke tests, the test suite, lint and template.
      // Smoke tests run side by side: their wall time is the longest one.
      const smoke = Math.max(0, ...steps.filter((s) => s.description.startsWith("smoke-test")).map((s) => s.durationMs));
      gatesMs = smoke + steps.filter((s) => /^(test in|helm lint|helm template)/.test(s.description)).reduce((sum, s) => sum + s.durationMs, 0);
      return performance.now() - started;
    };

    await coldCache();
    const baseFirst = await baseline();
    await coldCache();
    const chFirst = await charthouse();
    const chFirstGates = gatesMs;
    let before = uploads();
    const baseRerun = await baseline();
    const baseRerunUploads = uploads() - before;
    before = uploads();
    const chRerun = await charthouse();
    const chRerunUploads = uploads() - before;

    report("publish examples/hyrax nightly (4 images, 1 chart), one run each", [
      { name: "charthouse publish, first run", ms: chFirst },
      { name: "baseline script, first run (reference)", ms: baseFirst },
      { name: "charthouse publish, unchanged rerun", ms: chRerun },
      { name: "baseline script, unchanged rerun (reference)", ms: baseRerun },
    ]);
    console.log(`  first run: charthouse / baseline = ${(chFirst / baseFirst).toFixed(2)} (target ≤ 1.1), of which gates the baseline skips: ${(chFirstGates / 1000).toFixed(1)} s`);
    console.log(`  first run without those gates: charthouse / baseline = ${((chFirst - chFirstGates) / baseFirst).toFixed(2)}`);
    console.log(`  rerun:     charthouse / baseline = ${(chRerun / baseRerun).toFixed(2)} (target ≤ 0.5); blobs uploaded on rerun: charthouse ${chRerunUploads}, baseline ${baseRerunUploads}`);
  } finally {
    await proxy.stop();
    await registry.stop();
    rmSync(work, { recursive: true, force: true });
    await engine.stop();
  }
}
