import { dirname, join, relative, resolve } from "node:path";
import { isSemver, tagReadTwice } from "../plan/formats.js";
import { schemeOf } from "../plan/version-schemes.js";
import { isMap, LineCounter, parseDocument, type Document } from "yaml";
import { parseChart, type ChartFile } from "../chart/parse-chart.js";
import { projectPath, type ProjectEntry, type ProjectFiles, type ProjectPath } from "../project-files/project-files.js";
import { ConfigError } from "../errors.js";
import { didYouMean } from "./did-you-mean.js";
import { listStages } from "./dockerfile.js";
import { formatFieldPath, locate, type FieldPath } from "./positions.js";
import type { RawConfig, RawImage } from "./raw-config.generated.js";
import { checkSchema, type SchemaProblem } from "./schema-check.js";
import {
  DEFAULT_POLICY,
  type ChartConfig,
  type Config,
  type ConfigProblem,
  type ConfigResult,
  type ImageConfig,
  type PolicyConfig,
  type ServiceConfig,
  type TestConfig,
} from "./types.js";

/**
 * Reads and validates the charthouse.yaml at `path` of the project. Every problem is returned at once, each
 * with file, line, column, field and fix; only a file that cannot be read throws.
 */
export async function loadConfig(files: ProjectFiles, path: ProjectPath): Promise<ConfigResult> {
  const found = await files.read(path);
  if (found.kind !== "file") {
    const why = found.kind === "absent" ? "ENOENT (no such file)" : "not a readable file";
    throw new ConfigError(
      `cannot read ${join(files.root, path)}: ${why}. ` +
        "Pass the project's charthouse.yaml with --config, or write one with `charthouse init`.",
    );
  }
  return parseConfig(found.text, files, path);
}

/**
 * Validates config text as if it were the file at `path` of the project (relative paths resolve beside it; the
 * config's paths are absolute, under `files.root`). Reads only what the checks need: Dockerfiles, Chart.yaml and
 * values.yaml of charts and their local dependencies.
 */
export async function parseConfig(text: string, files: ProjectFiles, path: ProjectPath): Promise<ConfigResult> {
  const file = join(files.root, path);
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const problems = new Problems(file, doc, lines);

  // Blank lines and comments alone parse to no contents.
  if (doc.contents === null) {
    problems.add(
      [],
      "the file is empty",
      "declare at least the registry, e.g. `registry: ghcr.io/samvera`, and the images and charts to publish",
    );
    return problems.result();
  }
  for (const error of doc.errors) {
    const { line, col } = lines.linePos(error.pos[0]);
    problems.addAt(
      line,
      col,
      "(yaml)",
      `YAML syntax error: ${error.message.split("\n")[0]}`,
      "fix the YAML syntax at this position",
    );
  }
  if (doc.errors.length) return problems.result();
  if (!isMap(doc.contents)) {
    problems.add(
      [],
      "the file must be a mapping of keys (registry, images, charts, …)",
      "start the file with `registry: ghcr.io/<namespace>`",
    );
    return problems.result();
  }

  let data: unknown;
  try {
    data = doc.toJS();
  } catch (error) {
    // The yaml library stops at 100 aliases (a "billion laughs" guard): say where, not crash.
    const at = text.search(/(^|[\s[{,])\*[^\s,\]}]/m);
    const { line, col } = lines.linePos(Math.max(0, at + 1));
    problems.addAt(
      line,
      col,
      "(yaml)",
      `${(error as Error).message} (more than 100 aliases)`,
      "write the repeated parts out, or use fewer anchors and aliases",
    );
    return problems.result();
  }
  // A value init could not decide is written as `TODO: what to fill in`: named as such, before what the schema says.
  const todos = findTodos(data, []);
  const schemaProblems = [
    ...todos,
    ...checkSchema(data).filter((p) => !todos.some((t) => formatFieldPath(p.path).startsWith(formatFieldPath(t.path)))),
  ];
  for (const p of schemaProblems) problems.add(p.path, p.message, p.fix, { key: p.atKey });
  if (problems.errors.length) {
    // Every problem at once: the file checks still run where the schema found nothing to say.
    const checks = new Problems(file, doc, lines);
    try {
      await buildConfig(data as RawConfig, file, checks, files);
    } catch {
      // a shape the schema refused, which the checks cannot walk
    }
    const reported = schemaProblems.map((p) => formatFieldPath(p.path));
    const covered = (field: string) =>
      reported.some(
        (r) =>
          r === "(top level)" ||
          field === r ||
          field.startsWith(`${r}.`) ||
          field.startsWith(`${r}[`) ||
          r.startsWith(`${field}.`) ||
          r.startsWith(`${field}[`),
      );
    for (const problem of checks.errors) if (!covered(problem.field)) problems.errors.push(problem);
    return problems.result();
  }

  const config = await buildConfig(data as RawConfig, file, problems, files);
  return problems.errors.length ? problems.result() : { ok: true, config, warnings: problems.warnings };
}

/** Every string value that starts with `TODO`: a value `charthouse init` left for a person to write. */
function findTodos(data: unknown, path: FieldPath): SchemaProblem[] {
  if (typeof data === "string") {
    const m = data.match(/^TODO\b[:\s]*(.*)$/s);
    if (!m) return [];
    return [
      {
        path,
        atKey: false,
        message: `is left to fill in: ${m[1]!.trim() || "a value charthouse init could not decide"}`,
        fix: "write the value in place of the TODO",
      },
    ];
  }
  if (Array.isArray(data)) return data.flatMap((item, i) => findTodos(item, [...path, i]));
  if (data && typeof data === "object") return Object.entries(data).flatMap(([k, v]) => findTodos(v, [...path, k]));
  return [];
}

/** What is at an absolute path of the project: the config's paths are absolute, the project's reader's relative. */
type Look = (absolute: string) => Promise<ProjectEntry>;

/** Fills defaults, resolves paths, and runs the checks a schema cannot express. */
async function buildConfig(raw: RawConfig, file: string, problems: Problems, files: ProjectFiles): Promise<Config> {
  const root = dirname(file);
  const look: Look = (absolute) => files.read(projectPath(relative(files.root, absolute)));
  const images = await inOrder(raw.images ?? [], problems, (image, i, own) => buildImage(image, i, root, own, look));
  checkUnique(
    images.map((i) => i.name),
    (i) => ["images", i, "name"],
    "image name",
    problems,
  );
  const imageNames = images.map((i) => i.name);

  const test = raw.test ? await buildTest(raw.test, imageNames, root, problems, look) : undefined;
  const charts = (
    await inOrder(raw.charts ?? [], problems, (chart, i, own) => buildChart(chart, i, root, imageNames, own, look))
  ).flat();
  checkUnique(
    charts.map((c) => `${c.repository}/${c.name}`),
    (i) => ["charts", i, "path"],
    "chart",
    problems,
  );

  const policy = { ...DEFAULT_POLICY, ...raw.policy };
  const releaseOk = checkPattern(policy.releaseTag, ["policy", "releaseTag"], ["version"], problems);
  // With one chart (or none yet) a chart tag need not name it: `helm-{version}`, `hyrax-chart-{version}`.
  const chartOk = checkPattern(
    policy.chartReleaseTag,
    ["policy", "chartReleaseTag"],
    charts.length > 1 ? ["chart", "version"] : ["version"],
    problems,
    ["chart"],
  );
  if (releaseOk && chartOk)
    checkUnambiguous(
      policy,
      charts.map((c) => c.name),
      problems,
    );
  checkVersionFrom(policy, charts, problems);
  // A registry left as a TODO is named as such: what would follow from it is not checked against its text.
  if (!/^TODO\b/.test(raw.registry)) {
    checkRegistryHost(raw.registry, problems);
    checkRepositories(raw.registry, images, charts, problems);
  }

  const plainHttp = raw.plainHttp ?? false;
  return { file, root, registry: raw.registry, plainHttp, source: raw.source, images, test, charts, policy };
}

/**
 * Each item checked at once (a read through an API is a round trip), each into problems of its own, which then
 * join the file's in the items' order, as if checked one after another: the order of the problems does not depend
 * on which read returned first, and an item that throws (a shape the schema refused) keeps what came before it.
 */
async function inOrder<T, R>(
  items: readonly T[],
  problems: Problems,
  check: (item: T, i: number, own: Problems) => Promise<R>,
): Promise<R[]> {
  const owns = items.map(() => problems.apart());
  const settled = await Promise.allSettled(items.map((item, i) => check(item, i, owns[i]!)));
  return settled.map((outcome, i) => {
    problems.adopt(owns[i]!);
    if (outcome.status === "rejected") throw outcome.reason;
    return outcome.value;
  });
}

async function buildImage(
  raw: RawImage,
  i: number,
  root: string,
  problems: Problems,
  look: Look,
): Promise<ImageConfig> {
  const { context, dockerfile } = await checkBuild(raw, ["images", i], "images[]", root, problems, look);
  return {
    name: raw.name,
    repository: raw.repository ?? raw.name,
    context,
    dockerfile,
    target: raw.target,
    buildArgs: raw.buildArgs ?? {},
    platforms: raw.platforms ?? ["linux/amd64"],
    smoke: raw.smoke,
  };
}

/** What a build names: context, Dockerfile and target, each checked against the project's files. */
interface RawBuild {
  readonly context?: string;
  readonly dockerfile?: string;
  readonly target?: string;
}

/**
 * The build's context and Dockerfile, absolute; each problem (no such directory, no Dockerfile, a target no stage
 * of it is) at the build's field (`at`), the fix naming the field as `field` (`images[]`, `test.services[].build`).
 */
async function checkBuild(
  raw: RawBuild,
  at: FieldPath,
  field: string,
  root: string,
  problems: Problems,
  look: Look,
): Promise<{ context: string; dockerfile: string }> {
  const context = resolve(root, raw.context ?? ".");
  const dockerfile = raw.dockerfile ? resolve(root, raw.dockerfile) : resolve(context, "Dockerfile");
  const [contextAt, dockerfileAt] = await Promise.all([look(context), look(dockerfile)]);
  if (contextAt.kind !== "directory") {
    problems.add(
      raw.context ? [...at, "context"] : at,
      `build context ${rel(root, context)} is not a directory`,
      `create it or correct ${field}.context (relative to charthouse.yaml)`,
    );
  } else if (dockerfileAt.kind === "directory") {
    problems.add(
      raw.dockerfile ? [...at, "dockerfile"] : at,
      `${rel(root, dockerfile)} is a directory, not a Dockerfile`,
      `point ${field}.dockerfile at the Dockerfile itself (relative to charthouse.yaml)`,
    );
  } else if (dockerfileAt.kind === "absent") {
    problems.add(
      raw.dockerfile ? [...at, "dockerfile"] : at,
      `Dockerfile ${rel(root, dockerfile)} does not exist`,
      `correct ${field}.dockerfile (relative to charthouse.yaml)`,
    );
  } else if (raw.target !== undefined) {
    const stages = listStages(dockerfileAt.kind === "file" ? dockerfileAt.text : "");
    if (!stages.includes(raw.target)) {
      const guess = didYouMean(raw.target, stages);
      problems.add(
        [...at, "target"],
        `target "${raw.target}" is no stage of ${rel(root, dockerfile)}${guess ? `; did you mean "${guess}"?` : ""}`,
        stages.length
          ? `use one of its stages: ${stages.join(", ")}`
          : `name a stage in the Dockerfile (FROM … AS ${raw.target})`,
      );
    }
  }
  return { context, dockerfile };
}

async function buildTest(
  raw: NonNullable<RawConfig["test"]>,
  imageNames: string[],
  root: string,
  problems: Problems,
  look: Look,
): Promise<TestConfig> {
  checkImageName(raw.image, ["test", "image"], imageNames, problems);
  const services: ServiceConfig[] = (raw.services ?? []).map((s) => ({
    name: s.name,
    ...(s.image === undefined ? {} : { image: s.image }),
    ...(s.port === undefined ? {} : { port: s.port }),
    env: s.env ?? {},
    command: s.command,
    ready: s.ready,
    readyTimeoutSeconds: s.readyTimeoutSeconds ?? 120,
  }));
  const builds = await inOrder(raw.services ?? [], problems, async (s, i, own) => {
    const at: FieldPath = ["test", "services", i];
    if ((s.image === undefined) === (s.build === undefined)) {
      own.add(
        at,
        s.image === undefined
          ? `service ${s.name} names neither an image nor a build`
          : `service ${s.name} names both an image and a build`,
        "give it image: (a reference, or an image of this file) or build: (context, dockerfile, target, buildArgs " +
          "of an image built for the tests only), not both",
      );
    }
    if (s.build === undefined) return undefined;
    const { context, dockerfile } = await checkBuild(
      s.build,
      [...at, "build"],
      "test.services[].build",
      root,
      own,
      look,
    );
    return {
      context,
      dockerfile,
      ...(s.build.target === undefined ? {} : { target: s.build.target }),
      buildArgs: s.build.buildArgs ?? {},
    };
  });
  builds.forEach((build, i) => {
    if (build) services[i] = { ...services[i]!, build };
  });
  checkUnique(
    services.map((s) => s.name),
    (i) => ["test", "services", i, "name"],
    "service name",
    problems,
  );
  return { image: raw.image, command: raw.command, env: raw.env ?? {}, services, caches: raw.caches ?? [] };
}

async function buildChart(
  raw: NonNullable<RawConfig["charts"]>[number],
  i: number,
  root: string,
  imageNames: string[],
  problems: Problems,
  look: Look,
): Promise<ChartConfig[]> {
  const dir = resolve(root, raw.path);
  const pins = raw.pins ?? [];
  pins.forEach((pin, j) => checkImageName(pin.image, ["charts", i, "pins", j, "image"], imageNames, problems));
  const file = resolve(dir, "Chart.yaml");
  const [chartAt, valuesAt] = await Promise.all([look(file), look(resolve(dir, "values.yaml"))]);
  if (chartAt.kind === "absent") {
    problems.add(
      ["charts", i, "path"],
      `${rel(root, dir)} holds no Chart.yaml`,
      "point charts[].path at a chart directory (relative to charthouse.yaml)",
    );
    return [];
  }
  if (chartAt.kind === "directory") {
    problems.add(
      ["charts", i, "path"],
      `${rel(root, file)} is a directory, not a chart's Chart.yaml`,
      "point charts[].path at a chart directory holding a Chart.yaml file",
    );
    return [];
  }
  if (chartAt.kind !== "file") throw new Error(`${file} cannot be read`);
  const chart = parseChart(chartAt.text, dir, file);
  const chartProblems = new Problems(chart.file, chart.doc, chart.lines, problems);
  for (const error of chart.doc.errors) {
    const { line, col } = chart.lines.linePos(error.pos[0]);
    chartProblems.addAt(
      line,
      col,
      "(yaml)",
      `YAML syntax error: ${error.message.split("\n")[0]}`,
      "fix the YAML syntax at this position",
    );
  }
  if (chart.doc.errors.length) return [];
  if (!chart.name) chartProblems.add([], "Chart.yaml has no name", "add name: <chart name>");
  else if (!CHART_NAME.test(chart.name)) {
    chartProblems.add(
      ["name"],
      `name "${chart.name}" cannot be an OCI repository name`,
      "use lowercase letters and digits separated by single '.', '_' or '-', e.g. hyrax",
    );
  }
  if (!chart.version) {
    chartProblems.add([], "Chart.yaml has no version", "add version: 0.1.0 (semver)");
  } else if (!isSemver(chart.version)) {
    chartProblems.add(
      ["version"],
      `version "${chart.version}" is not semver`,
      "write MAJOR.MINOR.PATCH, e.g. 1.2.3 or 1.3.0-rc.1",
    );
  } else if (chart.version.includes("+")) {
    chartProblems.warn(
      ["version"],
      `version "${chart.version}" has build metadata, which OCI tags cannot hold`,
      "drop the +… part; a release of this version will be refused",
    );
  }
  await checkLocalDependencies(chart, chartProblems, look);
  if (!chart.name || !chart.version) return [];
  checkPinKeys(pins, i, rel(root, dir), valuesAt.kind === "file" ? valuesAt.text : undefined, problems);
  return [
    {
      path: dir,
      relativePath: raw.path,
      name: chart.name,
      version: chart.version,
      appVersion: chart.appVersion,
      repository: raw.repository ?? "charts",
      pins,
      ...(raw.versionFrom ? { versionFrom: raw.versionFrom } : {}),
    },
  ];
}

/** A `file://` dependency must be a chart; `helm dependency build` would fail only at lint. */
async function checkLocalDependencies(chart: ChartFile, problems: Problems, look: Look): Promise<void> {
  const exists = async (dir: string) => (await look(resolve(chart.dir, dir, "Chart.yaml"))).kind !== "absent";
  const missing = await Promise.all(
    chart.dependencies.map(async (dep) => {
      if (!dep.repository?.startsWith("file://")) return undefined;
      const path = dep.repository.slice("file://".length);
      if (await exists(path)) return undefined;
      const guess = `${dirname(path) === "." ? "" : `${dirname(path)}/`}${dep.name}`;
      return { repository: dep.repository, guess: guess !== path && (await exists(guess)) ? guess : undefined };
    }),
  );
  missing.forEach((dep, k) => {
    if (dep === undefined) return;
    const hint = dep.guess ? `; did you mean "file://${dep.guess}"?` : "";
    problems.add(
      ["dependencies", k, "repository"],
      `${dep.repository} holds no chart${hint}`,
      "point the dependency at a chart directory, relative to this Chart.yaml",
    );
  });
}

/**
 * Each pin writes into values.yaml: its tag and repository keys must be there (a typo
 * would add a new key and deploy the unpinned image), its digest key's parent too.
 */
function checkPinKeys(
  pins: readonly { tag: string; repository?: string; digest?: string }[],
  i: number,
  chartDir: string,
  values: string | undefined,
  problems: Problems,
): void {
  const keys = valueKeys(values);
  pins.forEach((pin, j) => {
    const wanted: [string, string | undefined, boolean][] = [
      ["tag", pin.tag, true],
      ["repository", pin.repository, true],
      ["digest", pin.digest, false],
    ];
    for (const [field, key, itself] of wanted) {
      if (key === undefined) continue;
      const must = itself ? key : key.split(".").slice(0, -1).join(".");
      if (must === "" || keys.has(must)) continue;
      const guess = didYouMean(must, [...keys]);
      problems.add(
        ["charts", i, "pins", j, field],
        `${must} is no key of ${chartDir}/values.yaml${guess ? `; did you mean "${guess}"?` : ""}`,
        itself
          ? `name an existing key, or add ${key} to values.yaml`
          : `add ${must} to values.yaml, or correct the key`,
      );
    }
  });
}

/** Every dotted key path of a values.yaml (`image`, `image.tag`, …). */
function valueKeys(text: string | undefined): Set<string> {
  const keys = new Set<string>();
  const walk = (value: unknown, prefix: string) => {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return;
    for (const [key, inner] of Object.entries(value)) {
      const path = prefix ? `${prefix}.${key}` : key;
      keys.add(path);
      walk(inner, path);
    }
  };
  try {
    walk(parseDocument(text ?? "").toJS(), "");
  } catch {
    // An unreadable values.yaml is helm lint's to report.
  }
  return keys;
}

function checkImageName(name: string, path: FieldPath, imageNames: string[], problems: Problems): void {
  if (imageNames.includes(name)) return;
  const guess = didYouMean(name, imageNames);
  problems.add(
    path,
    `"${name}" names no image of this file${guess ? `; did you mean "${guess}"?` : ""}`,
    imageNames.length ? `use one of: ${imageNames.join(", ")}` : "declare the image under images:",
  );
}

function checkUnique(values: string[], pathOf: (index: number) => FieldPath, what: string, problems: Problems): void {
  const first = new Map<string, number>();
  values.forEach((value, i) => {
    const earlier = first.get(value);
    if (earlier === undefined) first.set(value, i);
    else
      problems.add(
        pathOf(i),
        `${what} "${value}" is declared twice (also at ${formatFieldPath(pathOf(earlier))})`,
        `give each ${what} a unique value`,
      );
  });
}

/**
 * A tag pattern must hold each required placeholder exactly once, an optional one at most once, and no others. True
 * when it does.
 */
function checkPattern(
  pattern: string,
  path: FieldPath,
  required: string[],
  problems: Problems,
  optional: string[] = [],
): boolean {
  const before = problems.errors.length;
  const found = [...pattern.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]!);
  const known = [...new Set([...optional, ...required])];
  for (const name of required) {
    const count = found.filter((f) => f === name).length;
    if (count !== 1) {
      const why =
        name === "chart" && count === 0 ? " (this file declares several charts: a tag must say which it releases)" : "";
      problems.add(
        path,
        `tag pattern "${pattern}" must contain {${name}} exactly once${why}`,
        `write it like ${known.map((r) => `{${r}}`).join("-")}, e.g. ` +
          `${path.at(-1) === "releaseTag" ? "v{version}" : "{chart}-chart-v{version}"}`,
      );
    }
  }
  for (const name of optional.filter((o) => !required.includes(o))) {
    if (found.filter((f) => f === name).length > 1)
      problems.add(
        path,
        `tag pattern "${pattern}" must contain {${name}} at most once`,
        `write it like {${name}}-chart-v{version}`,
      );
  }
  for (const name of found.filter((f) => !known.includes(f))) {
    problems.add(
      path,
      `tag pattern "${pattern}" has an unknown placeholder {${name}}`,
      `use only ${known.map((r) => `{${r}}`).join(" and ")}`,
    );
  }
  return problems.errors.length === before;
}

/**
 * The two patterns must never read one tag two ways: a tag both read as a semver
 * release (of one of the file's charts, for the chart pattern) is refused, naming it.
 */
function checkUnambiguous(
  policy: { releaseTag: string; chartReleaseTag: string },
  charts: readonly string[],
  problems: Problems,
): void {
  const both = tagReadTwice(policy, charts);
  if (both) {
    problems.add(
      ["policy", "chartReleaseTag"],
      `"${policy.chartReleaseTag}" with releaseTag "${policy.releaseTag}" reads the tag ${both} as a release and as ` +
        "a chart release",
      'give the two patterns different literal text, e.g. releaseTag: "v{version}" and chartReleaseTag: ' +
        '"{chart}-chart-v{version}"',
    );
  }
}

/**
 * A chart whose version comes from the release needs releases that are chart versions (SemVer 2); its Chart.yaml
 * version is then only a placeholder, which `check` says rather than let someone bump it in vain.
 */
function checkVersionFrom(policy: PolicyConfig, charts: readonly ChartConfig[], problems: Problems): void {
  const scheme = schemeOf(policy);
  charts.forEach((chart, i) => {
    if (chart.versionFrom !== "release") return;
    if (scheme.notChartVersion) {
      problems.add(
        ["charts", i, "versionFrom"],
        `chart ${chart.name} takes its version from the release, but the project numbers releases by ` +
          `${scheme.name} (policy.versions), and ${scheme.notChartVersion}`,
        "remove versionFrom: release, so the chart publishes its own Chart.yaml version with each release",
      );
      return;
    }
    problems.warn(
      ["charts", i, "versionFrom"],
      `${chart.relativePath}/Chart.yaml's version ${chart.version} is ignored: a release publishes chart ` +
        `${scheme.chartVersion!(scheme.parse(scheme.examples[0])!)} for release ${scheme.examples[0]}, a nightly a ` +
        "prerelease above the last release",
      "leave Chart.yaml's version as a placeholder, or remove versionFrom: release to publish it",
    );
  });
}

/** Like docker: the first component names a host when it has a dot or a port, or is localhost. */
function checkRegistryHost(registry: string, problems: Problems): void {
  const first = registry.split("/")[0]!;
  if (first.includes(".") || first.includes(":") || first === "localhost") return;
  problems.add(
    ["registry"],
    `"${registry}" has no registry host: docker would push it to Docker Hub (docker.io/${registry}) while charthouse ` +
      `would read https://${first}`,
    `name the registry, e.g. registry: ghcr.io/${registry} (or docker.io/${registry} for Docker Hub)`,
  );
}

/** A chart name that can be the last component of an OCI repository. */
const CHART_NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

/** An OCI repository path: lowercase components separated by '.', '_', '__' or '-', joined by '/'. */
const REPOSITORY = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/;
const REPOSITORY_FIX =
  "use lowercase letters and digits separated by '.', '_', '__' or '-', with '/' between components, e.g. " +
  "samvera/dassie";

/**
 * Every repository the config publishes to is a valid OCI name, at most 255 characters with the registry, and only one
 * artifact's.
 */
function checkRepositories(
  registry: string,
  images: readonly ImageConfig[],
  charts: readonly ChartConfig[],
  problems: Problems,
): void {
  const owners = new Map<string, string>();
  const claim = (repository: string, owner: string, path: FieldPath) => {
    const full = `${registry}/${repository}`;
    if (!REPOSITORY.test(repository))
      problems.add(path, `"${repository}" is not an OCI repository name`, REPOSITORY_FIX);
    else if (full.length > 255)
      problems.add(path, `${full} is longer than 255 characters`, "shorten the registry namespace or the repository");
    const other = owners.get(full);
    if (other)
      problems.add(path, `repository ${full} is also ${other}`, "give each image and chart a unique repository");
    else owners.set(full, owner);
  };
  // A chart whose name is no OCI name is reported in its Chart.yaml already.
  charts.forEach(
    (chart, i) =>
      CHART_NAME.test(chart.name) &&
      claim(`${chart.repository}/${chart.name}`, `the chart ${chart.name}'s (charts[${i}])`, [
        "charts",
        i,
        "repository",
      ]),
  );
  // An image declared twice is reported as such, not again as its repository's duplicate.
  images.forEach(
    (image, i) =>
      images.findIndex((other) => other.name === image.name) === i &&
      claim(image.repository, `images[${i}]'s`, ["images", i, image.repository === image.name ? "name" : "repository"]),
  );
}

function rel(root: string, path: string): string {
  return relative(root, path) || ".";
}

/** Collects problems of one file, located in its YAML document; may feed a parent collector. */
class Problems {
  readonly errors: ConfigProblem[];
  readonly warnings: ConfigProblem[];
  constructor(
    private readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
    parent?: Problems,
  ) {
    this.errors = parent?.errors ?? [];
    this.warnings = parent?.warnings ?? [];
  }
  add(path: FieldPath, message: string, fix: string, opts: { key?: boolean } = {}): void {
    const { line, column } = locate(this.doc, this.lines, path, opts);
    this.addAt(line, column, formatFieldPath(path), message, fix);
  }
  addAt(line: number, column: number, field: string, message: string, fix: string): void {
    this.errors.push({ file: this.file, line, column, field, message, fix });
  }
  /** A collector of the same file that does not feed this one: `adopt` it to add its problems here. */
  apart(): Problems {
    return new Problems(this.file, this.doc, this.lines);
  }
  adopt(other: Problems): void {
    this.errors.push(...other.errors);
    this.warnings.push(...other.warnings);
  }
  warn(path: FieldPath, message: string, fix: string): void {
    const { line, column } = locate(this.doc, this.lines, path);
    this.warnings.push({ file: this.file, line, column, field: formatFieldPath(path), message, fix });
  }
  result(): ConfigResult {
    return { ok: false, errors: this.errors, warnings: this.warnings };
  }
}

/** `file:line:column: field: message. Fix: …` — the one-line form every command prints. */
export function formatProblem(p: ConfigProblem, cwd = process.cwd()): string {
  const shown = relative(cwd, p.file) || p.file;
  const end = (text: string) => (/[.?!]$/.test(text) ? text : `${text}.`);
  return `${shown}:${p.line}:${p.column}: ${p.field}: ${end(p.message)} Fix: ${end(p.fix)}`;
}
