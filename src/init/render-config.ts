import type { ProjectFacts } from "./detect-project.js";

/**
 * A charthouse.yaml for the project: every named Dockerfile stage as an image, every
 * chart that is not another's local dependency, and comments where a person must decide.
 */
export function renderConfig(facts: ProjectFacts): string {
  const out: string[] = [
    "# yaml-language-server: $schema=https://raw.githubusercontent.com/samvera-labs/charthouse/main/charthouse.schema.json",
    "# Written by `charthouse init`. Check it with `charthouse check`; see what a run would do with",
    "# `charthouse plan --nightly`.",
  ];
  if (facts.registry) {
    out.push(`registry: ${facts.registry}`);
  } else {
    out.push("# TODO: the registry and namespace to publish to (no GitHub remote was found to guess it from).", "registry: ghcr.io/your-org");
  }
  if (facts.source) out.push(`source: ${facts.source}`);
  out.push("");

  const images = facts.dockerfiles.flatMap((d) => d.stages.map((stage) => ({ dockerfile: d.path, stage })));
  if (images.length) {
    out.push("# One image per named Dockerfile stage. Remove the stages you do not publish (base stages", "# other stages build FROM are built anyway), and add a smoke test to each.", "images:");
    for (const { dockerfile, stage } of images) {
      out.push(`  - name: ${stage.toLowerCase()}`, `    target: ${stage}`);
      if (dockerfile !== "Dockerfile") out.push(`    dockerfile: ${dockerfile}`);
      out.push(`    # smoke: ["sh", "-c", "…"]   # a command the image must pass`);
    }
  } else if (facts.dockerfiles.length) {
    out.push("# The Dockerfiles found have no named stages (FROM … AS name): add images by hand.", "images:", ...facts.dockerfiles.map((d) => `  - name: ${facts.name}\n    dockerfile: ${d.path}`));
  } else {
    out.push("# No Dockerfile was found.", "images: []");
  }
  out.push("", "# The project's test suite, run in one of its images against service containers:", "# test:", "#   image: <an image above>", '#   command: ["bundle", "exec", "rspec"]', "#   services:", "#     - { name: postgres, image: postgres:15, port: 5432, ready: [pg_isready] }", "");

  if (facts.charts.length) {
    out.push("charts:");
    for (const chart of facts.charts) {
      out.push(`  - path: ${chart}`, "    # pins: the image each chart deploys, written into these values keys on publish", "    #   - { image: <an image above>, repository: image.repository, tag: image.tag, digest: image.digest }");
    }
    if (facts.subcharts.length) out.push(`# Not published on their own (local dependencies of the charts above): ${facts.subcharts.join(", ")}`);
  } else {
    out.push("charts: []");
  }
  out.push("", "policy:", "  releaseTag: v{version}", '  chartReleaseTag: "{chart}-chart-v{version}"', "  defaultBranch: main", "");
  return out.join("\n");
}
