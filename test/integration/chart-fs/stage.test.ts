import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { chartStage, helmArgs } from "../../../src/chart/index.js";
import { canonicalizePackage, settleChartStage, writeChartStage } from "../../../src/chart-fs/index.js";
import { helmBinary } from "../../../src/exec/index.js";
import { loadConfig, type Config } from "../../../src/config/index.js";
import { planRelease, type ChartPlan } from "../../../src/plan/index.js";
import { projectFilesOnDisk, projectPath } from "../../../src/project-files/index.js";
import { readTag, RegistryClient } from "../../../src/registry/index.js";
import { toolEnvironment } from "../../../src/engines/docker/tool-env.js";
import { context } from "../../kit/builders.js";
import { CANARY, creds, pushImage, useCanaryRegistry } from "../../kit/registry-content.js";
import { filesContaining, tempTree } from "../../kit/temp-dir.js";

const EXAMPLE = new URL("../../../examples/hyrax/", import.meta.url).pathname;
const ci = creds("ci", CANARY);

const canaryRegistry = useCanaryRegistry();

/** The example's config pointed at the local registry. */
async function exampleConfig(): Promise<Config> {
  const loaded = await loadConfig(projectFilesOnDisk(EXAMPLE), projectPath("charthouse.yaml"));
  if (!loaded.ok) throw new Error("example config invalid");
  return { ...loaded.config, registry: `${canaryRegistry().host}/samvera` };
}

/** Stages, pins, builds dependencies, lints, templates and packages the chart with the exact argument lists. */
async function buildChart(
  chart: ChartPlan,
  digests: Map<string, string>,
  work: string,
  env: NodeJS.ProcessEnv,
): Promise<{ packageFile: string; rendered: string }> {
  const helm = (args: string[]) =>
    execFileSync(helmBinary(), args, { encoding: "utf8", env, stdio: ["ignore", "pipe", "pipe"] });
  const recipe = await chartStage(chart, projectFilesOnDisk(EXAMPLE), digests);
  const staged = writeChartStage(EXAMPLE, recipe, join(work, "stage"));
  helm(helmArgs.dependencyBuild(staged));
  settleChartStage(recipe, join(work, "stage"));
  helm(helmArgs.lint(staged));
  const rendered = helm(helmArgs.template(chart.name, staged));
  helm(helmArgs.package(staged, join(work, "out")));
  const packageFile = join(work, "out", readdirSync(join(work, "out"))[0]!);
  canonicalizePackage(packageFile);
  return { packageFile, rendered };
}

describe("the chart stage end to end: real helm, real registry", () => {
  it("publishes the nightly chart and reads back exactly what was tested", async () => {
    const config = await exampleConfig();
    const result = planRelease({ config, context: context({ kind: "nightly" }), state: { repositories: {} } });
    if (!result.ok) throw new Error(result.refusals.join());
    const chart = result.plan.charts[0]!;
    const digests = new Map<string, string>();
    for (const image of result.plan.images) {
      digests.set(image.name, await pushImage(canaryRegistry().host, image.repository, image.tag, image.labels, ci));
    }

    const work = tempTree();
    const env = toolEnvironment(join(work, "tools"), canaryRegistry().host, ci);
    const { packageFile, rendered } = await buildChart(chart, digests, work, env);
    expect(rendered).toContain(
      `image: "${canaryRegistry().host}/samvera/dassie:nightly-20261124@${digests.get("dassie")}"`,
    );

    const push = execFileSync(helmBinary(), helmArgs.push(packageFile, chart.pushTo, { plainHttp: true }), {
      encoding: "utf8",
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    expect(push).toBe("");

    // Pull it back and look inside.
    const pulled = join(work, "pulled");
    mkdirSync(pulled);
    execFileSync(helmBinary(), helmArgs.pull(`oci://${chart.repository}`, chart.version, pulled, { plainHttp: true }), {
      env,
      stdio: "pipe",
    });
    execFileSync("tar", ["-xzf", join(pulled, `hyrax-${chart.version}.tgz`), "-C", pulled]);
    const chartYaml = parse(readFileSync(join(pulled, "hyrax/Chart.yaml"), "utf8"));
    expect(chartYaml.version).toBe("3.7.4-nightly.20261124");
    expect(chartYaml.appVersion).toBe("nightly-20261124");
    expect(chartYaml.annotations["org.opencontainers.image.revision"]).toBe(context({ kind: "nightly" }).commit);
    const values = parse(readFileSync(join(pulled, "hyrax/values.yaml"), "utf8"));
    expect(values.image).toMatchObject({
      repository: `${canaryRegistry().host}/samvera/dassie`,
      tag: "nightly-20261124",
      digest: digests.get("dassie"),
    });
    expect(values.worker.image).toMatchObject({ tag: "nightly-20261124", digest: digests.get("dassie-worker") });

    // The chart's revision is readable from the registry, as the planner needs it.
    const record = await readTag(new RegistryClient({ credentials: ci }), chart.repository, chart.version);
    expect(record).toMatchObject({
      revision: context({ kind: "nightly" }).commit,
      version: "3.7.4-nightly.20261124",
      created: "2026-11-23T18:00:00Z",
    });

    // Packaging and pushing the same chart again gives the very same manifest digest.
    const again = await buildChart(chart, digests, tempTree(), env);
    execFileSync(helmBinary(), helmArgs.push(again.packageFile, chart.pushTo, { plainHttp: true }), {
      env,
      stdio: "pipe",
    });
    expect((await readTag(new RegistryClient({ credentials: ci }), chart.repository, chart.version))!.digest).toBe(
      record!.digest,
    );
    expect(readFileSync(again.packageFile).equals(readFileSync(packageFile))).toBe(true);

    // The credentials reached helm only through the environment: no file written holds them.
    expect(filesContaining(work, CANARY)).toEqual([]);
  });
});
