import type { ProjectFacts } from "./detect-project.js";
import { at, type Learned, type LearnedImage } from "./learn.js";

/** A charthouse.yaml, and what init found stale on the way (reported, never copied). */
export interface RenderedConfig {
  readonly text: string;
  readonly stale: readonly string[];
}

const NOTHING_LEARNED: Learned = { images: [], services: [], charts: [], supersedes: [] };

/**
 * A charthouse.yaml for the project. What the repository's workflows and compose files
 * already say is taken over, each value with a comment naming the file and line it came
 * from: the images they publish (target, name, platforms, registry), the test gate's
 * services (image, port, environment, healthcheck as `ready`), the charts a releaser
 * publishes. Targets no Dockerfile stage defines are reported, not copied; stages nothing
 * publishes stay commented out, saying so. Without CI files: every named stage, and
 * comments where a person must decide.
 */
export function renderConfig(facts: ProjectFacts, learned: Learned = NOTHING_LEARNED): RenderedConfig {
  const stale: string[] = [];
  const out: string[] = [
    "# yaml-language-server: $schema=https://raw.githubusercontent.com/samvera-labs/charthouse/main/charthouse.schema.json",
    "# Written by `charthouse init`. Check it with `charthouse check`; see what a run would do with",
    "# `charthouse plan --nightly`.",
  ];
  const stages = facts.dockerfiles.flatMap((d) => d.stages.map((stage) => ({ dockerfile: d.path, stage })));
  const stageNames = new Set(stages.map((s) => s.stage));
  const published = learned.images.filter((image) => {
    if (image.target === undefined || stageNames.has(image.target)) return true;
    stale.push(`${at(image.from)}: target ${image.target} (image ${image.name}) is no stage of ${facts.dockerfiles.map((d) => d.path).join(", ") || "any Dockerfile"}; left out`);
    return false;
  });

  const registry = published.find((i) => i.registry)?.registry;
  if (registry) out.push(`# from ${at(published.find((i) => i.registry)!.from)}`, `registry: ${registry}`);
  else if (facts.registry) out.push("# from the git remote origin", `registry: ${facts.registry}`);
  else out.push("# TODO: the registry and namespace to publish to (no workflow or GitHub remote says it).", "registry: ghcr.io/your-org");
  if (facts.source) out.push(`source: ${facts.source}`);
  out.push("");

  const names = new Map<string, string>();
  if (published.length) {
    out.push("images:");
    for (const image of published) {
      names.set(image.target ?? image.name, image.name);
      out.push(...renderImage(image, stages.find((s) => s.stage === image.target)?.dockerfile));
    }
    const unpublished = stages.filter((s) => !published.some((i) => i.target === s.stage));
    for (const s of unpublished) out.push(`  # - name: ${s.stage.toLowerCase()}   # no workflow publishes stage ${s.stage} of ${s.dockerfile}: uncomment to publish it`, `  #   target: ${s.stage}`);
  } else if (stages.length) {
    out.push("# One image per named Dockerfile stage. Remove the stages you do not publish (base stages", "# other stages build FROM are built anyway), and add a smoke test to each.", "images:");
    for (const { dockerfile, stage } of stages) {
      names.set(stage, stage.toLowerCase());
      out.push(`  - name: ${stage.toLowerCase()}`, `    target: ${stage}`);
      if (dockerfile !== "Dockerfile") out.push(`    dockerfile: ${dockerfile}`);
      out.push(`    # smoke: ["sh", "-c", "…"]   # a command the image must pass`);
    }
  } else if (facts.dockerfiles.length) {
    out.push("# The Dockerfiles found have no named stages (FROM … AS name): add images by hand.", "images:", ...facts.dockerfiles.map((d) => `  - name: ${facts.name}\n    dockerfile: ${d.path}`));
  } else {
    out.push("# No Dockerfile was found.", "images: []");
  }
  out.push("", ...renderTest(learned, names, stale), "");

  const chartDirs = chartsToPublish(facts, learned);
  if (chartDirs.length) {
    out.push("charts:");
    for (const { dir, comment } of chartDirs) {
      if (comment) out.push(`  # ${comment}`);
      out.push(`  - path: ${dir}`, "    # pins: the image each chart deploys, written into these values keys on publish", "    #   - { image: <an image above>, repository: image.repository, tag: image.tag, digest: image.digest }");
    }
    if (facts.subcharts.length) out.push(`# Not published on their own (local dependencies of the charts above): ${facts.subcharts.join(", ")}`);
  } else {
    out.push("charts: []");
  }
  out.push("", "policy:", "  releaseTag: v{version}", '  chartReleaseTag: "{chart}-chart-v{version}"', "  defaultBranch: main", "");
  return { text: out.join("\n"), stale };
}

function renderImage(image: LearnedImage, dockerfile: string | undefined): string[] {
  const lines = [`  # from ${at(image.from)}`, `  - name: ${image.name}`];
  if (image.target) lines.push(`    target: ${image.target}`);
  if (dockerfile && dockerfile !== "Dockerfile") lines.push(`    dockerfile: ${dockerfile}`);
  if (image.platforms?.length) lines.push(`    platforms: [${image.platforms.join(", ")}]`);
  lines.push(`    # smoke: ["sh", "-c", "…"]   # a command the image must pass`);
  return lines;
}

/** The test gate: the image the compose file builds, its services with their healthchecks as `ready`. */
function renderTest(learned: Learned, names: ReadonlyMap<string, string>, stale: string[]): string[] {
  const tested = learned.tested;
  const image = tested?.target ? names.get(tested.target) : undefined;
  if (!tested || !image) {
    if (tested?.target) stale.push(`${at(tested.from)}: service ${tested.service} builds target ${tested.target}, which no image above publishes; no test gate written`);
    return ["# The project's test suite, run in one of its images against service containers:", "# test:", "#   image: <an image above>", '#   command: ["bundle", "exec", "rspec"]', "#   services:", "#     - { name: postgres, image: postgres:15, port: 5432, ready: [pg_isready] }"];
  }
  const lines = [`# from ${at(tested.from)} (service ${tested.service}, built from this repository)`, "test:", `  image: ${image}`];
  lines.push(`  # TODO: the command that runs the test suite${tested.command ? `; the compose service runs ${JSON.stringify(tested.command)}` : ""}`);
  lines.push('  command: ["bundle", "exec", "rspec"]');
  const services = learned.services.filter((s) => s.port !== undefined);
  for (const s of learned.services.filter((s) => s.port === undefined)) stale.push(`${at(s.from)}: service ${s.name} exposes no port; left out of the test gate`);
  if (services.length) {
    lines.push("  services:");
    for (const s of services) {
      lines.push(`    # from ${at(s.from)}`, `    - name: ${s.name}`, `      image: ${s.image}`, `      port: ${s.port}`);
      if (Object.keys(s.env).length) lines.push(`      env: ${JSON.stringify(s.env)}`);
      if (s.command) lines.push(`      command: ${JSON.stringify(s.command)}`);
      if (s.ready) lines.push(`      ready: ${JSON.stringify(s.ready)}`);
    }
  }
  return lines;
}

/** Charts: those a releaser publishes (from its chart directory), else every top-level chart found. */
function chartsToPublish(facts: ProjectFacts, learned: Learned): { dir: string; comment?: string }[] {
  const released = learned.charts.filter((c) => c.dir !== "");
  if (!released.length) return facts.charts.map((dir) => ({ dir }));
  return facts.charts
    .filter((dir) => released.some((c) => dir === c.dir || dir.startsWith(`${c.dir}/`)))
    .map((dir) => {
      const c = released.find((r) => dir === r.dir || dir.startsWith(`${r.dir}/`))!;
      return { dir, comment: `from ${at(c.from)}${c.registry ? ` (it pushes to oci://${c.registry}; charthouse pushes to <registry>/charts/<name>)` : ""}` };
    });
}
