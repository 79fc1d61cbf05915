import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { isMap } from "yaml";
import { interpolate, parseDotEnv } from "./interpolate.js";
import { at, originOf, readYaml, type Origin } from "./read-yaml.js";
import { composeRuns, shellWords, type ComposeRun } from "./learn-workflows.js";

export interface LearnedService {
  readonly name: string;
  /**
   * Its image reference; for a service built from this repository, the build's target instead (`built`), which init
   * maps to a published image.
   */
  readonly image: string;
  readonly built?: ComposeBuild;
  readonly port?: number;
  readonly env: Readonly<Record<string, string>>;
  readonly command?: readonly string[];
  readonly ready?: readonly string[];
  /**
   * How long compose would wait for the healthcheck (start_period + interval × retries), when longer than charthouse's
   * 120 s.
   */
  readonly readyTimeoutSeconds?: number;
  readonly from: Origin;
}

/** A compose service's `build:`, its paths relative to the repository (the compose file's directory applied). */
export interface ComposeBuild {
  readonly context: string;
  /** Relative to the repository too; undefined for `<context>/Dockerfile`. */
  readonly dockerfile?: string;
  readonly target?: string;
  readonly args: Readonly<Record<string, string>>;
}

/** The application service that runs the suite: built from this repository, or running its image. */
export interface TestedService {
  readonly service: string;
  readonly target?: string;
  readonly build?: ComposeBuild;
  /** Its `image:`, interpolated: the repository a build may push for it. */
  readonly image?: string;
  readonly command?: readonly string[];
  readonly from: Origin;
}

export interface ComposeFacts {
  /** The compose file the gate is learned from, and why that one. */
  readonly file?: { readonly path: string; readonly why: string };
  readonly tested?: TestedService;
  /** The command the CI runs the suite with in the tested service, or why it cannot be taken, and where. */
  readonly suite?: { readonly command?: readonly string[]; readonly unknown?: string; readonly from: Origin };
  readonly services: readonly LearnedService[];
  /** Other compose files of the project, not used for the gate. */
  readonly others: readonly string[];
  /** Warnings: values that could not be interpolated, services nothing says are ready. */
  readonly notes: readonly string[];
}

/**
 * The test gate as the project's compose files describe it: the file its CI runs the
 * tests with (`docker compose -f … run <service>` in a workflow, Makefile or script),
 * else the default compose file, else the first `*compose*.y*ml`; its `include:`s;
 * `${VAR:-default}` and `$$` interpolated from `.env`; `env_file:`s read.
 */
export function learnFromCompose(root: string, workflowRuns: readonly ComposeRun[]): ComposeFacts {
  const runs = [...workflowRuns, ...scriptRuns(root)]
    .map((r) => ({ ...r, files: r.files.map((f) => normalize(f)) }))
    .filter((r) => r.files.every((f) => existsSync(join(root, f))));
  const found = composeFiles(root);
  const defaults = ["compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"].filter((f) =>
    existsSync(join(root, f)),
  );
  // A service named by a variable (`exec "$svc"`) says nothing about which one runs the tests.
  // Of the runs naming a service, the one running tests; a wait loop or a setup step says less.
  const named = runs.filter((r) => r.service && /^[a-z0-9][\w.-]*$/i.test(r.service));
  const run =
    named.find((r) => SUITE.test([...(r.command ?? []), r.commandUnknown ?? ""].join(" "))) ?? named[0] ?? runs[0];
  const chosen = run
    ? { paths: run.files, why: `${at(run.from)} runs the tests with it` }
    : defaults.length
      ? { paths: [defaults[0]!], why: "the default compose file" }
      : found.length
        ? { paths: [found[0]!], why: "the first compose file found" }
        : undefined;
  if (!chosen) return { services: [], others: [], notes: [] };
  const notes: string[] = [];
  const env = { ...readEnv(root, ".env", notes) };
  const services = new Map<string, { raw: Record<string, unknown>; from: Origin; dir: string }>();
  const read = new Set<string>();
  const visit = (path: string) => {
    if (read.has(path)) return;
    read.add(path);
    const y = readYaml(root, path);
    if (!y || !isMap(y.doc.contents)) return;
    const data = y.doc.toJS() as { include?: unknown[]; services?: Record<string, Record<string, unknown>> };
    for (const inc of Array.isArray(data.include) ? data.include : []) {
      const target = typeof inc === "string" ? inc : ((inc as { path?: string })?.path ?? "");
      if (target) visit(normalize(join(dirname(path), target)));
    }
    // A later file overrides an earlier one's service as a whole here: compose merges keys, which init need not.
    for (const [name, raw] of Object.entries(data.services ?? {}))
      if (raw && typeof raw === "object")
        services.set(name, { raw, from: originOf(y, ["services", name]), dir: dirname(path) });
  };
  for (const path of chosen.paths) visit(path);

  const value = (text: unknown, where: string, from: Origin): string | undefined => {
    const v = interpolate(String(text), env);
    if (!v.ok)
      notes.push(
        `${at(from)}: ${where} uses ${v.unknown.map((u) => `\${${u}}`).join(", ")}, which neither .env nor a default ` +
          "sets; left out",
      );
    return v.ok ? v.value : undefined;
  };
  const testedName = run?.service && services.has(run.service) ? run.service : pickTested(services);
  const tested = testedName ? testedService(testedName, services.get(testedName)!, value) : undefined;
  const wanted = testedName ? dependencies(testedName, services) : [...services.keys()];
  const learned: LearnedService[] = [];
  for (const name of wanted) {
    const s = services.get(name)!;
    if (s.raw.build !== undefined) {
      // Built here: another process of the application (the same build: an init job, a worker of one image) is not a
      // service; another image (Hyku's solr, built with its config) is one, running what charthouse builds.
      const build = composeBuild(s.raw.build, s.dir, value, `service ${name}'s build`, s.from);
      if (!build) continue;
      if (tested?.build && sameBuild(build, tested.build)) continue;
      learned.push({ ...readService(root, name, s, "", value, notes), built: build });
      continue;
    }
    const image = s.raw.image === undefined ? undefined : value(s.raw.image, `service ${name}'s image`, s.from);
    if (image === undefined) continue;
    // another process of the application (a worker), not a service
    if (tested?.image !== undefined && image.replace(/:[^/:]*$/, "").toLowerCase() === tested.image) continue;
    learned.push(readService(root, name, s, image, value, notes));
  }
  const others = found.filter((f) => !read.has(f));
  const suite =
    run?.service === testedName && (run?.command || run?.commandUnknown)
      ? { ...(run.command ? { command: run.command } : { unknown: run.commandUnknown! }), from: run.from }
      : undefined;
  return {
    file: { path: chosen.paths.join(", "), why: chosen.why },
    ...(tested ? { tested } : {}),
    ...(suite ? { suite } : {}),
    services: learned,
    others,
    notes: [...new Set(notes)],
  };
}

const SUITE = /\b(rspec|rspec_booster|test|tests|spec|specs|pytest|jest|mocha|phpunit)\b/;

type Value = (text: unknown, where: string, from: Origin) => string | undefined;

function readService(
  root: string,
  name: string,
  s: { raw: Record<string, unknown>; from: Origin; dir: string },
  image: string,
  value: Value,
  notes: string[],
): LearnedService {
  const env: Record<string, string> = {};
  for (const file of typeof s.raw.env_file === "string"
    ? [s.raw.env_file]
    : Array.isArray(s.raw.env_file)
      ? s.raw.env_file
      : []) {
    const path = typeof file === "string" ? file : (file as { path?: string })?.path;
    if (path) Object.assign(env, readEnv(root, join(s.dir, path), notes));
  }
  const environment = s.raw.environment;
  const entries: [string, unknown][] = Array.isArray(environment)
    ? environment
        .map(String)
        .map((e) => (e.includes("=") ? [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)] : [e, undefined]))
    : environment && typeof environment === "object"
      ? Object.entries(environment)
      : [];
  for (const [key, raw] of entries) {
    if (raw === undefined || raw === null) {
      notes.push(`${at(s.from)}: service ${name}'s ${key} comes from the environment compose runs in; left out`);
      continue;
    }
    const v = value(raw, `service ${name}'s ${key}`, s.from);
    if (v !== undefined) env[key] = v;
  }
  const command = commandOf(s.raw.command, value, `service ${name}'s command`, s.from);
  const port = portOf(s.raw.ports) ?? portOf(s.raw.expose);
  const health = s.raw.healthcheck as { test?: unknown; disable?: boolean } | undefined;
  const test = health?.disable ? undefined : health?.test;
  let ready: string[] | undefined;
  if (Array.isArray(test) && test[0] === "CMD-SHELL") ready = ["sh", "-c", String(test.slice(1).join(" "))];
  else if (Array.isArray(test) && test[0] === "CMD") ready = test.slice(1).map(String);
  else if (typeof test === "string") ready = ["sh", "-c", test];
  const readyValues = ready?.map((part) => value(part, `service ${name}'s healthcheck`, s.from));
  const readyKnown = readyValues?.every((p) => p !== undefined) ? (readyValues as string[]) : undefined;
  if (!readyKnown) {
    notes.push(
      port === undefined
        ? `${at(s.from)}: service ${name} has no healthcheck and no port: nothing says when it is ready; add ready: ` +
            "to it"
        : `${at(s.from)}: service ${name} has no healthcheck: it counts as ready once port ${port} listens (Dagger) ` +
            "or once started (Docker); add ready: for more",
    );
  }
  const patience = readyKnown ? healthcheckPatience(health as Record<string, unknown>) : undefined;
  return {
    name,
    image,
    ...(port === undefined ? {} : { port }),
    env,
    ...(command ? { command } : {}),
    ...(readyKnown ? { ready: readyKnown } : {}),
    ...(patience !== undefined && patience > 120 ? { readyTimeoutSeconds: Math.min(3600, patience) } : {}),
    from: s.from,
  };
}

/**
 * Seconds compose gives a healthcheck before calling the service unhealthy: start_period + interval × retries (its
 * defaults 0s, 30s, 3).
 */
function healthcheckPatience(health: Record<string, unknown>): number | undefined {
  const interval = seconds(health.interval ?? "30s");
  const start = seconds(health.start_period ?? "0s");
  const retries = Number(health.retries ?? 3);
  return interval === undefined || start === undefined || !Number.isFinite(retries)
    ? undefined
    : Math.ceil(start + interval * retries);
}

/** A compose duration (`1m30s`, `500ms`, `10s`) in seconds. */
function seconds(text: unknown): number | undefined {
  const parts = [...String(text).matchAll(/(\d+(?:\.\d+)?)(ms|us|h|m|s)/g)];
  if (!parts.length || parts.map((p) => p[0]).join("") !== String(text)) return undefined;
  const unit: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001, us: 0.000001 };
  return parts.reduce((total, p) => total + Number(p[1]) * unit[p[2]!]!, 0);
}

/** A compose `command:` as the argument list compose passes: a string is split as a shell splits words. */
function commandOf(raw: unknown, value: Value, where: string, from: Origin): string[] | undefined {
  const parts = typeof raw === "string" ? shellWords(raw) : Array.isArray(raw) ? raw.map(String) : undefined;
  const values = parts?.map((p) => value(p, where, from));
  return values?.every((v) => v !== undefined) ? (values as string[]) : undefined;
}

/** The container side of the first port: `"5432:5432"`, `8080`, `127.0.0.1:80:8080/tcp`, `{ target: 80 }`. */
function portOf(raw: unknown): number | undefined {
  for (const entry of Array.isArray(raw) ? raw : []) {
    const text =
      entry && typeof entry === "object" ? String((entry as { target?: unknown }).target ?? "") : String(entry);
    const port = Number(text.split(":").pop()!.split("/")[0]!.split("-")[0]);
    if (Number.isInteger(port) && port > 0 && port < 65536) return port;
  }
  return undefined;
}

/**
 * Without a CI run naming it: the built service others do not depend on (the application, not its worker), else the
 * first built.
 */
function pickTested(services: ReadonlyMap<string, { raw: Record<string, unknown> }>): string | undefined {
  const built = [...services].filter(([, s]) => s.raw.build !== undefined).map(([name]) => name);
  return built.find((name) => dependsOn(services.get(name)!.raw).length > 0) ?? built[0];
}

function dependsOn(raw: Record<string, unknown>): string[] {
  const d = raw.depends_on;
  return Array.isArray(d) ? d.map(String) : d && typeof d === "object" ? Object.keys(d) : [];
}

/** What the tested service depends on, transitively, in file order; every other service when it names none. */
function dependencies(name: string, services: ReadonlyMap<string, { raw: Record<string, unknown> }>): string[] {
  const direct = dependsOn(services.get(name)!.raw);
  if (!direct.length) return [...services.keys()].filter((n) => n !== name);
  const wanted = new Set<string>();
  const add = (n: string) => {
    if (wanted.has(n) || !services.has(n)) return;
    wanted.add(n);
    for (const d of dependsOn(services.get(n)!.raw)) add(d);
  };
  for (const d of direct) add(d);
  return [...services.keys()].filter((n) => wanted.has(n));
}

/** A compose `build:` (a context, or a mapping), paths made relative to the repository; undefined when unreadable. */
function composeBuild(raw: unknown, dir: string, value: Value, where: string, from: Origin): ComposeBuild | undefined {
  const spec = (typeof raw === "string" ? { context: raw } : raw && typeof raw === "object" ? raw : {}) as {
    context?: unknown;
    dockerfile?: unknown;
    target?: unknown;
    args?: unknown;
  };
  const context = value(spec.context ?? ".", `${where} context`, from);
  const dockerfile = spec.dockerfile === undefined ? undefined : value(spec.dockerfile, `${where} dockerfile`, from);
  const target = spec.target === undefined ? undefined : value(spec.target, `${where} target`, from);
  if (context === undefined || (spec.dockerfile !== undefined && dockerfile === undefined)) return undefined;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(context)) return undefined; // a git or http context is not this repository
  const args: Record<string, string> = {};
  const entries: [string, unknown][] = Array.isArray(spec.args)
    ? spec.args
        .map(String)
        .map((e) => (e.includes("=") ? [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)] : [e, undefined]))
    : spec.args && typeof spec.args === "object"
      ? Object.entries(spec.args)
      : [];
  for (const [key, raw] of entries) {
    // BuildKit's own switches are no argument of the project's Dockerfile.
    if (raw === undefined || raw === null || key.startsWith("BUILDKIT_")) continue;
    const v = value(raw, `${where} argument ${key}`, from);
    if (v !== undefined) args[key] = v;
  }
  const ctx = normalize(join(dir, context));
  return {
    context: ctx,
    ...(dockerfile === undefined ? {} : { dockerfile: normalize(join(ctx, dockerfile)) }),
    ...(target === undefined ? {} : { target: String(target) }),
    args,
  };
}

/** Whether two builds make one image: the same Dockerfile and target. */
export function sameBuild(a: ComposeBuild, b: ComposeBuild): boolean {
  const file = (x: ComposeBuild) => x.dockerfile ?? normalize(join(x.context, "Dockerfile"));
  return file(a) === file(b) && a.target === b.target;
}

function testedService(
  name: string,
  s: { raw: Record<string, unknown>; from: Origin; dir: string },
  value: Value,
): TestedService {
  const build =
    s.raw.build === undefined ? undefined : composeBuild(s.raw.build, s.dir, value, `service ${name}'s build`, s.from);
  const image = s.raw.image === undefined ? undefined : value(s.raw.image, `service ${name}'s image`, s.from);
  const command = commandOf(s.raw.command, value, `service ${name}'s command`, s.from);
  return {
    service: name,
    ...(build?.target !== undefined ? { target: build.target } : {}),
    ...(build ? { build } : {}),
    ...(image ? { image: image.replace(/:[^/:]*$/, "").toLowerCase() } : {}),
    ...(command ? { command } : {}),
    from: s.from,
  };
}

/**
 * A `.env` file's variables, when the repository commits it: an untracked one (a person's
 * own, often with real credentials) is not copied into a file that will be committed.
 */
function readEnv(root: string, path: string, notes: string[]): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(join(root, path), "utf8");
  } catch {
    return {};
  }
  if (!committed(root, path)) {
    notes.push(`${path} is not committed (it may hold someone's own secrets): its variables were not read`);
    return {};
  }
  return parseDotEnv(text);
}

/** Whether git tracks the file; outside a git work tree there is nothing to tell, and it counts. */
function committed(root: string, path: string): boolean {
  const git = (...args: string[]) => spawnSync("git", args, { cwd: root, stdio: "ignore" }).status === 0;
  return !git("rev-parse", "--is-inside-work-tree") || git("ls-files", "--error-unmatch", "--", path);
}

/** Every `*compose*.y*ml` in the project's top two levels. */
function composeFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, depth: number) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const path = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isFile() && /compose[^/]*\.ya?ml$/.test(entry.name)) out.push(path);
      else if (
        entry.isDirectory() &&
        depth < 1 &&
        !entry.name.startsWith(".") &&
        !["node_modules", "vendor", "dist"].includes(entry.name)
      )
        walk(path, depth + 1);
    }
  };
  walk("", 0);
  return out;
}

/** `docker compose -f …` in the project's Makefile and scripts (bin/, scripts/, *.sh at the top). */
function scriptRuns(root: string): ComposeRun[] {
  const candidates = [
    "Makefile",
    "makefile",
    "GNUmakefile",
    ...["bin", "scripts", "script", "."].flatMap((d) => listFiles(root, d)),
  ];
  return candidates.flatMap((path) => {
    const full = join(root, path);
    if (!existsSync(full) || !statSync(full).isFile() || statSync(full).size > 200_000) return [];
    const text = readFileSync(full, "utf8");
    // A Makefile names the files through its variables (`-f $(COMPOSE_FILE)`): each line read with them expanded.
    const make = /^(GNUm|M|m)akefile$/.test(path) ? makeVariables(text) : undefined;
    return text
      .split("\n")
      .flatMap((line, i) => composeRuns(make ? expandMake(line, make) : line, { file: path, line: i + 1 }));
  });
}

/** A Makefile's simple variables: `NAME = value`, `NAME := value`, `NAME ?= value`, `NAME += more`. */
export function makeVariables(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.replace(/\\\n/g, " ").split("\n")) {
    const m = line.match(/^(?:export\s+)?([A-Za-z_][\w.-]*)\s*(:{1,3}=|\?=|\+=|=)\s*(.*?)\s*$/);
    if (!m) continue;
    const [, name, op, value] = m;
    if (op === "?=" && vars[name!] !== undefined) continue;
    vars[name!] = op === "+=" && vars[name!] ? `${vars[name!]} ${value}` : value!;
  }
  return vars;
}

/** `$(NAME)` and `${NAME}` expanded from the Makefile's variables (nested ones too); an unknown one stays. */
export function expandMake(line: string, vars: Readonly<Record<string, string>>, depth = 0): string {
  if (depth > 8) return line;
  const out = line.replace(/\$[({]([A-Za-z_][\w.-]*)[)}]/g, (whole, name: string) => vars[name] ?? whole);
  return out === line ? out : expandMake(out, vars, depth + 1);
}

function listFiles(root: string, dir: string): string[] {
  try {
    return readdirSync(join(root, dir), { withFileTypes: true })
      .filter((e) => e.isFile() && (dir !== "." || e.name.endsWith(".sh")))
      .map((e) => (dir === "." ? e.name : `${dir}/${e.name}`))
      .sort();
  } catch {
    return [];
  }
}
