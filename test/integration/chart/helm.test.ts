import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { canonicalPackageBytes, chartStage, helmArgs } from "../../../src/chart/index.js";
import { writeChartStage } from "../../../src/chart-fs/index.js";
import { helmBinary } from "../../../src/exec/index.js";
import { loadConfig } from "../../../src/config/index.js";
import { planRelease } from "../../../src/plan/index.js";
import { projectFilesOnDisk, projectPath } from "../../../src/project-files/index.js";
import { context, digestOf } from "../../kit/builders.js";
import { tempTree } from "../../kit/temp-dir.js";

describe("the example chart through the real helm, with the exact argument lists", () => {
  it(
    "stages with its local subcharts, builds dependencies, lints strictly, templates the pinned image, packages the " +
      "planned version",
    async () => {
      const example = new URL("../../../examples/hyrax/", import.meta.url).pathname;
      const loaded = await loadConfig(projectFilesOnDisk(example), projectPath("charthouse.yaml"));
      if (!loaded.ok) throw new Error("example config invalid");
      const result = planRelease({
        config: loaded.config,
        context: context({ kind: "nightly" }),
        state: { repositories: {} },
      });
      if (!result.ok) throw new Error(result.refusals.join());
      const chartPlan = result.plan.charts[0]!;

      const stage = tempTree();
      const recipe = await chartStage(
        chartPlan,
        projectFilesOnDisk(example),
        new Map([
          ["dassie", digestOf("dassie")],
          ["dassie-worker", digestOf("worker")],
        ]),
      );
      expect(recipe.dirs).toEqual(["chart/hyrax", "chart/solr", "chart/postgresql", "chart/redis", "chart/fcrepo"]);
      expect(Object.keys(recipe.files)).toEqual(["chart/hyrax/Chart.yaml", "chart/hyrax/values.yaml"]);
      const staged = writeChartStage(example, recipe, stage);
      expect(staged).toBe(join(stage, "chart/hyrax"));
      for (const sub of ["solr", "postgresql", "redis", "fcrepo"])
        expect(existsSync(join(stage, "chart", sub, "Chart.yaml"))).toBe(true);

      const helm = (args: string[]) =>
        execFileSync(helmBinary(), args, {
          encoding: "utf8",
          env: { ...process.env, HELM_CACHE_HOME: join(stage, ".helm") },
        });
      helm(helmArgs.dependencyBuild(staged));
      expect(readdirSync(join(staged, "charts")).sort()).toEqual([
        "fcrepo-0.1.0.tgz",
        "postgresql-0.1.0.tgz",
        "redis-0.1.0.tgz",
        "solr-0.1.0.tgz",
      ]);
      expect(helm(helmArgs.lint(staged))).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
      const rendered = helm(helmArgs.template("hyrax", staged));
      expect(rendered).toContain(`image: "ghcr.io/samvera/dassie:nightly-20261124@${digestOf("dassie")}"`);
      expect(rendered).toContain(`image: "ghcr.io/samvera/dassie-worker:nightly-20261124@${digestOf("worker")}"`);
      helm(helmArgs.package(staged, join(stage, "out")));
      expect(readdirSync(join(stage, "out"))).toEqual(["hyrax-3.7.4-nightly.20261124.tgz"]);
      // The project's own tree is never written to.
      expect(existsSync(join(example, "chart/hyrax/charts"))).toBe(false);
      expect(readFileSync(join(example, "chart/hyrax/Chart.yaml"), "utf8")).toContain("version: 3.7.4\n");
    },
  );

  it("helm lint --strict fails on a broken template (the gate can fail)", () => {
    const root = tempTree({
      "c/Chart.yaml": "apiVersion: v2\nname: c\nversion: 0.1.0\n",
      "c/templates/x.yaml": "kind: ConfigMap\nmetadata:\n  name: {{ .Values.missing.key }}\n",
    });
    expect(() => execFileSync(helmBinary(), helmArgs.lint(join(root, "c")), { stdio: "pipe" })).toThrow(
      /1 chart\(s\) failed/,
    );
  });
});

describe("canonical chart packages", () => {
  it("gives the same bytes whatever order helm wrote the subcharts in, and helm still reads it", () => {
    const root = tempTree({
      "c/Chart.yaml": "apiVersion: v2\nname: c\nversion: 0.1.0\n",
      "c/templates/cm.yaml": "kind: ConfigMap\napiVersion: v1\nmetadata:\n  name: c\n",
      "c/charts/alpha/Chart.yaml": "apiVersion: v2\nname: alpha\nversion: 0.1.0\n",
      "c/charts/alpha/templates/cm.yaml": "kind: ConfigMap\napiVersion: v1\nmetadata:\n  name: alpha\n",
      "c/charts/beta/Chart.yaml": "apiVersion: v2\nname: beta\nversion: 0.1.0\n",
      "c/charts/beta/charts/gamma/Chart.yaml": "apiVersion: v2\nname: gamma\nversion: 0.1.0\n",
      "c/charts/beta/charts/delta/Chart.yaml": "apiVersion: v2\nname: delta\nversion: 0.1.0\n",
    });
    const own = ["c/Chart.yaml", "c/templates/cm.yaml"];
    const alpha = ["c/charts/alpha/Chart.yaml", "c/charts/alpha/templates/cm.yaml"];
    const beta = (inner: string[]) => ["c/charts/beta/Chart.yaml", ...inner];
    const [gamma, delta] = [["c/charts/beta/charts/gamma/Chart.yaml"], ["c/charts/beta/charts/delta/Chart.yaml"]];
    const pack = (name: string, files: string[]) => {
      execFileSync("tar", [
        "-czf",
        join(root, name),
        "--mtime=2026-11-23 18:00:00Z",
        "--owner=0",
        "--group=0",
        "--numeric-owner",
        "-C",
        root,
        ...files,
      ]);
      return readFileSync(join(root, name));
    };
    const a = pack("a.tgz", [...own, ...alpha, ...beta([...gamma, ...delta])]);
    const b = pack("b.tgz", [...own, ...beta([...delta, ...gamma]), ...alpha]);
    expect(a.equals(b)).toBe(false);
    const canonicalA = canonicalPackageBytes(a);
    expect(canonicalA.equals(canonicalPackageBytes(b))).toBe(true);
    // Idempotent, and a package helm reads like the original.
    expect(canonicalPackageBytes(canonicalA).equals(canonicalA)).toBe(true);
    writeFileSync(join(root, "canonical.tgz"), canonicalA);
    const rendered = execFileSync(helmBinary(), helmArgs.template("r", join(root, "canonical.tgz")), {
      encoding: "utf8",
    });
    expect(rendered).toContain("name: alpha");
    expect(rendered).toContain("name: c");
  });
});
