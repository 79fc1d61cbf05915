import type { ProjectFacts } from "./detect-project.js";
import type { DecidedImage, Learned } from "./learn.js";
import { describeBuild } from "./learn.js";
import { at } from "./read-yaml.js";
import { SCHEMES } from "../plan/version-schemes.js";

/** One line of the table init closes with: what it learned, the value, where it read it. */
export interface LearnedRow {
  readonly what: string;
  readonly value: string;
  readonly source: string;
}

/** A charthouse.yaml, what init learned for it, and what a person must still do. */
export interface RenderedConfig {
  readonly text: string;
  readonly learned: readonly LearnedRow[];
  readonly todo: readonly string[];
}

/** Plain YAML scalars stay plain; anything YAML could read otherwise is quoted. */
function scalar(value: string): string {
  return /^[\w./@-][\w./@ :+-]*$/.test(value) &&
    !/: |\s$|^(true|false|null|yes|no|on|off|~)$/i.test(value) &&
    !/^[\d.]+$/.test(value)
    ? value
    : JSON.stringify(value);
}

const flow = (values: readonly string[]) => JSON.stringify(values);

/**
 * A charthouse.yaml for the project from what init learned, each value with a comment
 * naming the file and line it came from. Without CI files: every named Dockerfile stage,
 * and comments where a person must decide.
 */
export function renderConfig(facts: ProjectFacts, learned: Learned): RenderedConfig {
  const rows: LearnedRow[] = [];
  const todo: string[] = [];
  const out: string[] = [
    "# yaml-language-server: " +
      "$schema=https://raw.githubusercontent.com/samvera-labs/charthouse/main/charthouse.schema.json",
    "# Written by `charthouse init`. Check it with `charthouse check`; see what a run would do with",
    "# `charthouse plan --nightly`.",
  ];
  if (learned.registry) {
    out.push(`# from ${learned.registry.source}`, `registry: ${learned.registry.value}`);
    rows.push({ what: "registry", value: learned.registry.value, source: learned.registry.source });
  } else {
    const why = learned.registryTodo ?? "no workflow or GitHub remote says where to publish";
    out.push(`registry: ${JSON.stringify(`TODO: the registry and namespace to publish to (${why})`)}`);
    todo.push(`charthouse.yaml: registry (${why})`);
  }
  if (facts.source) out.push(`source: ${facts.source}`);
  out.push("");

  const stages = stageNames(facts.dockerfiles.flatMap((d) => d.stages.map((stage) => ({ dockerfile: d.path, stage }))));
  const names = new Map<string, string>();
  if (learned.images?.length) {
    out.push("images:");
    for (const image of learned.images) {
      out.push(...renderImage(image));
      rows.push({
        what: `image ${image.name}`,
        value: [
          image.target && `target ${image.target}`,
          image.platforms.length ? image.platforms.join(", ") : "linux/amd64 (default)",
        ]
          .filter(Boolean)
          .join("; "),
        source: image.from.map(at).join(", ") + (image.guess ? ` (${image.guess})` : ""),
      });
    }
    for (const s of stages.filter((s) => !learned.images!.some((i) => i.target === s.stage))) {
      out.push(
        `  # - name: ${s.name}   # no workflow publishes stage ${s.stage} of ${s.dockerfile}: ` +
          "uncomment to publish it",
        `  #   target: ${s.stage}`,
      );
    }
    todo.push("charthouse.yaml: a smoke test for each image (images[].smoke)");
  } else if (stages.length) {
    out.push(
      "# One image per named Dockerfile stage. Remove the stages you do not publish (base stages",
      "# other stages build FROM are built anyway), and add a smoke test to each.",
      "images:",
    );
    for (const { dockerfile, stage, name } of stages) {
      if (!names.has(stage)) names.set(stage, name);
      out.push(`  - name: ${name}`, `    target: ${stage}`);
      if (dockerfile !== "Dockerfile") out.push(`    dockerfile: ${dockerfile}`);
      out.push(`    # smoke: ["sh", "-c", "…"]   # a command the image must pass`);
      rows.push({ what: `image ${name}`, value: `target ${stage}`, source: dockerfile });
    }
    todo.push("charthouse.yaml: keep only the stages you publish, each with a smoke test");
  } else if (facts.dockerfiles.length) {
    out.push(
      "# The Dockerfiles found have no named stages (FROM … AS name): add images by hand.",
      "images:",
      ...facts.dockerfiles.map((d) => `  - name: ${facts.name}\n    dockerfile: ${d.path}`),
    );
  } else {
    out.push("# No Dockerfile was found.", "images: []");
  }
  out.push("", ...renderTest(learned, names, rows, todo), "");

  if (learned.charts.length) {
    out.push("charts:");
    for (const chart of learned.charts) {
      if (chart.releaser)
        out.push(
          `  # from ${at(chart.releaser.from)}` +
            (chart.releaser.registry
              ? ` (it pushes to oci://${chart.releaser.registry}; charthouse pushes to <registry>/charts/${chart.name})`
              : ""),
        );
      out.push(`  - path: ${chart.dir}`);
      rows.push({
        what: `chart ${chart.name}`,
        value: chart.dir,
        source: chart.releaser ? at(chart.releaser.from) : `${chart.dir}/Chart.yaml`,
      });
      if (chart.pins.length) {
        out.push("    # the image each chart deploys, written into these values keys on publish");
        out.push("    pins:");
        for (const pin of chart.pins) {
          out.push(
            `      # from ${at(pin.from)}`,
            `      - { image: ${pin.image}, ${pin.repository ? `repository: ${pin.repository}, ` : ""}tag: ` +
              `${pin.tag}${pin.digest ? `, digest: ${pin.digest}` : ""} }`,
          );
          rows.push({
            what: `pin in ${chart.name}`,
            value: `${pin.repository ?? pin.tag.replace(/\.tag$/, "")} → ${pin.image}`,
            source: at(pin.from),
          });
        }
      } else {
        out.push(
          "    # pins: the image each chart deploys, written into these values keys on publish",
          "    #   - { image: <an image above>, repository: image.repository, tag: image.tag, digest: image.digest }",
        );
      }
    }
    if (facts.subcharts.length)
      out.push(`# Not published on their own (local dependencies of the charts above): ${facts.subcharts.join(", ")}`);
  } else {
    out.push("charts: []");
  }

  const p = learned.patterns;
  out.push("", "policy:");
  out.push(
    p.releaseFrom ? `  # from git tag ${p.releaseFrom}` : "  # no release tag in the history: charthouse's default",
  );
  out.push(`  releaseTag: ${scalar(p.releaseTag)}`);
  out.push(
    p.chartFrom ? `  # from git tag ${p.chartFrom}` : "  # no chart release tag in the history: charthouse's default",
  );
  out.push(`  chartReleaseTag: ${scalar(p.chartReleaseTag)}`, "  defaultBranch: main");
  // semver is the default: a semver project's file reads as before.
  if (p.versions !== "semver")
    out.push(`  # releases numbered like git tag ${p.versionsFrom}`, `  versions: ${p.versions}`);
  out.push("");
  rows.push({
    what: "release tags",
    value: p.releaseTag,
    source: p.releaseFrom ? `git tag ${p.releaseFrom}` : "default",
  });
  rows.push({
    what: "release versions",
    value: `${p.versions} (${SCHEMES[p.versions].shape})`,
    source: p.versionsFrom ? `git tag ${p.versionsFrom}` : "default",
  });
  rows.push({
    what: "chart release tags",
    value: p.chartReleaseTag,
    source: p.chartFrom ? `git tag ${p.chartFrom}` : "default",
  });
  return { text: out.join("\n"), learned: rows, todo };
}

/**
 * An image name for each stage: the stage's own, lowercased; where Dockerfiles in different folders share a stage
 * name (`builder`), prefixed by as many of its folder's parts as tell them apart (`cart-builder`).
 */
export function stageNames(
  stages: readonly { dockerfile: string; stage: string }[],
): { dockerfile: string; stage: string; name: string }[] {
  const base = (s: { stage: string }) => s.stage.toLowerCase();
  const folders = (s: { dockerfile: string }) =>
    s.dockerfile
      .split("/")
      .slice(0, -1)
      .map((p) =>
        p
          .toLowerCase()
          .replace(/[^a-z0-9]+/g, "-")
          .replace(/^-+|-+$/g, ""),
      )
      .filter(Boolean);
  const named = stages.map((s) => ({ ...s, name: base(s) }));
  for (let depth = 1; depth <= 8; depth++) {
    const count = new Map<string, number>();
    for (const s of named) count.set(s.name, (count.get(s.name) ?? 0) + 1);
    if ([...count.values()].every((n) => n === 1)) break;
    for (const s of named) {
      if (count.get(s.name)! === 1) continue;
      const parts = folders(s).slice(-depth);
      s.name = [...parts, base(s)].join("-") || base(s);
    }
  }
  return named;
}

function renderImage(image: DecidedImage): string[] {
  const lines = [
    `  # from ${image.from.map(at).join(", ")}${image.guess ? ` (${image.guess})` : ""}`,
    `  - name: ${image.name}`,
  ];
  if (image.repository !== image.name) lines.push(`    repository: ${scalar(image.repository)}`);
  if (image.target) lines.push(`    target: ${scalar(image.target)}`);
  if (image.context) lines.push(`    context: ${scalar(image.context)}`);
  if (
    image.dockerfile &&
    image.dockerfile !== `${image.context ?? "."}/Dockerfile` &&
    image.dockerfile !== "Dockerfile"
  )
    lines.push(`    dockerfile: ${scalar(image.dockerfile)}`);
  if (image.platforms.length) lines.push(`    platforms: ${flow(image.platforms)}`);
  if (image.buildArgs && Object.keys(image.buildArgs).length) {
    lines.push("    buildArgs:");
    for (const [k, v] of Object.entries(image.buildArgs)) lines.push(`      ${scalar(k)}: ${JSON.stringify(v ?? "")}`);
  }
  lines.push(`    # smoke: ["sh", "-c", "…"]   # a command the image must pass`);
  return lines;
}

/**
 * The test gate: the image the tested compose service builds, the services it depends on with their healthchecks as
 * `ready`.
 */
function renderTest(
  learned: Learned,
  names: ReadonlyMap<string, string>,
  rows: LearnedRow[],
  todo: string[],
): string[] {
  const { tested, file, services } = learned.compose;
  const named = learned.testImage ?? (tested?.target ? names.get(tested.target) : undefined);
  // A suite whose service no published image is: the gate is written, its image left to a person, never invented.
  const image =
    named ??
    (tested
      ? `TODO: the image of images the suite runs in (service ${tested.service} ` +
        `${tested.build ? `builds ${describeBuild(tested.build)}` : `runs ${tested.image ?? "an image"}`}, ` +
        "which no image above is)"
      : undefined);
  if (!named && tested) todo.push(`charthouse.yaml: test.image (service ${tested.service} is no published image)`);
  if (!tested || !image) {
    return [
      "# The project's test suite, run in one of its images against service containers:",
      "# test:",
      "#   image: <an image above>",
      '#   command: ["bundle", "exec", "rspec"]',
      "#   services:",
      "#     - { name: postgres, image: postgres:15, port: 5432, ready: [pg_isready] }",
    ];
  }
  const lines = [
    `# from ${at(tested.from)}: service ${tested.service} of ${file?.path ?? "the compose file"} ` +
      `(${file?.why ?? "built from this repository"})`,
    "test:",
    `  image: ${scalar(image)}`,
  ];
  if (named) rows.push({ what: "test image", value: `${named} (service ${tested.service})`, source: at(tested.from) });
  const suite = learned.compose.suite;
  if (suite?.command) {
    lines.push(
      `  # from ${at(suite.from)}: the command its CI runs in service ${tested.service}`,
      `  command: ${flow(suite.command)}`,
    );
    rows.push({ what: "test command", value: suite.command.join(" "), source: at(suite.from) });
  } else {
    const ci = suite ? `; ${at(suite.from)} runs the suite in service ${tested.service}, but ${suite.unknown}` : "";
    lines.push(
      "  # TODO: the command that runs the test " +
        `suite${ci}${tested.command ? `; the compose service itself runs ${flow(tested.command)}` : ""}`,
    );
    lines.push('  command: ["bundle", "exec", "rspec"]');
    todo.push("charthouse.yaml: test.command, the command that runs the suite");
  }
  if (services.length) {
    lines.push("  services:");
    for (const s of services) {
      lines.push(`    # from ${at(s.from)}`, `    - name: ${s.name}`);
      if (s.built) {
        // Built from the repository as compose builds it: for the gate only, never published.
        lines.push("      build:");
        if (s.built.context !== ".") lines.push(`        context: ${scalar(s.built.context)}`);
        if (s.built.dockerfile) lines.push(`        dockerfile: ${scalar(s.built.dockerfile)}`);
        if (s.built.target) lines.push(`        target: ${scalar(s.built.target)}`);
        if (Object.keys(s.built.args).length) {
          lines.push("        buildArgs:");
          for (const [k, v] of Object.entries(s.built.args)) lines.push(`          ${scalar(k)}: ${JSON.stringify(v)}`);
        }
      } else lines.push(`      image: ${scalar(s.image)}`);
      if (s.port !== undefined) lines.push(`      port: ${s.port}`);
      if (Object.keys(s.env).length) {
        lines.push("      env:");
        for (const [k, v] of Object.entries(s.env)) lines.push(`        ${scalar(k)}: ${JSON.stringify(v)}`);
      }
      if (s.command) lines.push(`      command: ${flow(s.command)}`);
      if (s.ready) lines.push(`      ready: ${flow(s.ready)}`);
      if (s.readyTimeoutSeconds)
        lines.push(
          `      readyTimeoutSeconds: ${s.readyTimeoutSeconds}   # as long as compose waits for its healthcheck`,
        );
      rows.push({
        what: `service ${s.name}`,
        value: [
          s.built ? `built from ${describeBuild(s.built)} (gate only)` : s.image,
          s.port === undefined ? "" : `port ${s.port}`,
          s.ready ? "ready from healthcheck" : "no ready check",
        ]
          .filter(Boolean)
          .join("; "),
        source: at(s.from),
      });
    }
  }
  return lines;
}
