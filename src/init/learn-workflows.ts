import { existsSync, readdirSync } from "node:fs";
import { join, normalize } from "node:path";
import { evaluateExpressions, evaluatePartly, hasUnknown, shellVars, type Vars } from "./expressions.js";
import { expandMatrix } from "./matrix.js";
import { at, listOf, originOf, readYaml, type Origin, type Yaml } from "./read-yaml.js";
import { githubEnvWrites } from "./shell-env.js";

/** One image build a workflow runs (docker/build-push-action), as far as init can evaluate it. */
export interface WorkflowBuild {
  /**
   * The image repositories its tags name (`ghcr.io/samvera/hyrax/dassie`), lowercased; empty when none could be read.
   */
  readonly repositories: readonly string[];
  /**
   * A tag whose repository init cannot evaluate (`${{ vars.REGISTRY }}/app`): its text, where it is, and the last part
   * of its path when that is known (`app`). The image is then named after it and its repository left as a TODO.
   */
  readonly unknownRepository?: { readonly text: string; readonly name?: string };
  /** The name the project itself gives the image (chartpress's key), when it gives one. */
  readonly name?: string;
  readonly target?: string;
  /** Build context and Dockerfile relative to the repository's root, when the workflow names them. */
  readonly context?: string;
  readonly file?: string;
  readonly platforms?: readonly string[];
  /** Build arguments it passes; undefined values could not be evaluated here. */
  readonly buildArgs?: Readonly<Record<string, string | undefined>>;
  /** Why this build is a guess (read from an action that is not docker's own, or from a script), when it is. */
  readonly guess?: string;
  /** Pushed at all (`push: true`, or an `outputs:` of type registry). */
  readonly pushes: boolean;
  /**
   * Loaded or exported for a later step (`load: true`, `outputs: type=docker|tar|oci`) in a workflow run on pull
   * requests: it feeds the tests.
   */
  readonly feedsTest: boolean;
  readonly from: Origin;
}

/** A `docker compose -f <file> … [run|exec] <service>` a workflow step runs. */
export interface ComposeRun {
  readonly files: readonly string[];
  readonly service?: string;
  /**
   * The command run in the service, when the run names one init can take as it is (no expression, no `--entrypoint`).
   */
  readonly command?: readonly string[];
  /** Why the command it runs cannot be taken, when it names one. */
  readonly commandUnknown?: string;
  readonly from: Origin;
}

export interface WorkflowChart {
  readonly dir: string;
  readonly registry?: string;
  readonly from: Origin;
}

/** A registry a workflow logs in to: Docker Hub when the login names no host. */
export interface WorkflowLogin {
  readonly host: string;
  readonly from: Origin;
}

export interface WorkflowFacts {
  readonly builds: readonly WorkflowBuild[];
  readonly logins: readonly WorkflowLogin[];
  readonly charts: readonly WorkflowChart[];
  readonly composeRuns: readonly ComposeRun[];
  /** Workflow files and jobs that publish what charthouse will. */
  readonly supersedes: readonly string[];
  /** What could not be evaluated, each naming its file and line: reported, never copied. */
  readonly unknown: readonly string[];
}

interface Collect {
  builds: WorkflowBuild[];
  logins: WorkflowLogin[];
  charts: WorkflowChart[];
  composeRuns: ComposeRun[];
  supersedes: string[];
  unknown: string[];
}

/** Reads `.github/workflows/*.y*ml` of `root`, following local reusable workflows and composite actions. */
export function learnFromWorkflows(root: string, github: { readonly repository?: string }): WorkflowFacts {
  const found: Collect = { builds: [], logins: [], charts: [], composeRuns: [], supersedes: [], unknown: [] };
  const dir = join(root, ".github/workflows");
  const files = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort()
    : [];
  const base: Vars = {
    "github.repository": github.repository,
    "github.repository_owner": github.repository?.split("/")[0],
  };
  for (const name of files) {
    const y = readYaml(root, `.github/workflows/${name}`);
    const on = y?.doc.toJS()?.on;
    // Reusable workflows run where they are called, with the caller's inputs.
    if (
      !y ||
      (on && typeof on === "object" && !Array.isArray(on) && Object.keys(on).length === 1 && "workflow_call" in on)
    )
      continue;
    visitWorkflow(root, y, base, triggersOf(on), found, new Set([y.file]));
  }
  const unique = <T>(xs: T[]) => [...new Set(xs)];
  return { ...found, supersedes: unique(found.supersedes), unknown: unique(found.unknown) };
}

function triggersOf(on: unknown): string[] {
  if (typeof on === "string") return [on];
  if (Array.isArray(on)) return on.map(String);
  return on && typeof on === "object" ? Object.keys(on) : [];
}

type Job = {
  env?: Record<string, unknown>;
  steps?: Record<string, unknown>[];
  uses?: string;
  with?: Record<string, unknown>;
  strategy?: { matrix?: unknown };
};

function visitWorkflow(
  root: string,
  y: Yaml,
  vars: Vars,
  triggers: readonly string[],
  found: Collect,
  seen: Set<string>,
): void {
  const data = y.doc.toJS() as { env?: Record<string, unknown>; jobs?: Record<string, Job> } | null;
  for (const [jobName, job] of Object.entries(data?.jobs ?? {})) {
    if (!job || typeof job !== "object") continue;
    const combos = expandMatrix(job.strategy?.matrix);
    if (!combos)
      found.unknown.push(
        `${at(originOf(y, ["jobs", jobName, "strategy", "matrix"]))}: the matrix of job ${jobName} is an expression; ` +
          "its combinations are unknown",
      );
    for (const combo of combos ?? [{}]) {
      const jobVars: Record<string, string | undefined> = { ...vars, ...combo };
      for (const [k, v] of Object.entries({ ...data?.env, ...job.env }))
        jobVars[`env.${k}`] = known(String(v), jobVars);
      const builds = found.builds.length;
      const charts = found.charts.length;
      if (typeof job.uses === "string" && job.uses.startsWith("./")) {
        const path = normalize(job.uses.replace(/@.*$/, ""));
        const called = readYaml(root, path);
        if (!called || seen.has(path)) continue;
        const inputs = inputsOf(called.doc.toJS()?.on?.workflow_call?.inputs, job.with, jobVars);
        visitWorkflow(root, called, { ...base(vars), ...inputs }, triggers, found, new Set([...seen, path]));
      } else {
        visitSteps(root, y, ["jobs", jobName, "steps"], job.steps ?? [], jobVars, triggers, found, seen);
      }
      if (found.charts.length > charts || found.builds.slice(builds).some((b) => b.pushes && !b.feedsTest))
        found.supersedes.push(`${y.file} (job ${jobName})`);
    }
  }
}

/** Only what GitHub gives every workflow: a called workflow sees its inputs, not its caller's env. */
function base(vars: Vars): Vars {
  return { "github.repository": vars["github.repository"], "github.repository_owner": vars["github.repository_owner"] };
}

function inputsOf(
  declared: unknown,
  given: Record<string, unknown> | undefined,
  vars: Vars,
): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, spec] of Object.entries((declared ?? {}) as Record<string, { default?: unknown }>)) {
    if (spec?.default !== undefined) out[`inputs.${k}`] = known(String(spec.default), vars);
  }
  for (const [k, v] of Object.entries(given ?? {})) out[`inputs.${k}`] = known(String(v), vars);
  return out;
}

function known(text: string, vars: Vars): string | undefined {
  const e = evaluateExpressions(text, vars);
  return e.ok ? e.value : undefined;
}

function visitSteps(
  root: string,
  y: Yaml,
  path: (string | number)[],
  steps: Record<string, unknown>[],
  vars: Record<string, string | undefined>,
  triggers: readonly string[],
  found: Collect,
  seen: Set<string>,
): void {
  const metadata = new Map<string, string[]>();
  steps.forEach((step, i) => {
    if (!step || typeof step !== "object") return;
    const here = [...path, i];
    const stepVars: Record<string, string | undefined> = { ...vars };
    for (const [k, v] of Object.entries((step.env ?? {}) as Record<string, unknown>))
      stepVars[`env.${k}`] = known(String(v), vars);
    for (const [id, images] of metadata) stepVars[`steps.${id}.outputs.tags`] = images.join("\n");
    const uses = String(step.uses ?? "");
    const w = (step.with ?? {}) as Record<string, unknown>;
    const origin = (key?: string) => originOf(y, key ? [...here, "with", key] : here);
    if (uses.startsWith("./")) {
      const dir = normalize(uses);
      const file = ["action.yml", "action.yaml"].map((f) => join(dir, f)).find((f) => existsSync(join(root, f)));
      const action = file && !seen.has(file) ? readYaml(root, file) : undefined;
      const data = action?.doc.toJS() as { inputs?: unknown; runs?: { steps?: Record<string, unknown>[] } } | undefined;
      if (action && data?.runs?.steps) {
        visitSteps(
          root,
          action,
          ["runs", "steps"],
          data.runs.steps,
          { ...vars, ...inputsOf(data.inputs, w, stepVars) },
          triggers,
          found,
          new Set([...seen, file!]),
        );
      }
    } else if (uses.startsWith("docker/metadata-action") && typeof step.id === "string") {
      // Its tags output is one `<image>:<tag>` line per image and tag: the images are what a build's tags then name.
      metadata.set(
        step.id,
        listOf(evaluatePartly(String(w.images ?? ""), stepVars)).map(
          (line) => `${(line.match(/(?:^|,)\s*name=([^,]+)/)?.[1] ?? line.split(",")[0]!).trim()}:tag`,
        ),
      );
    } else if (uses.startsWith("docker/login-action")) {
      // Without `registry:` it logs in to Docker Hub.
      const host = w.registry === undefined || w.registry === "" ? "docker.io" : known(String(w.registry), stepVars);
      if (host !== undefined) found.logins.push({ host: dockerHost(host), from: origin(w.registry ? "registry" : "") });
    } else if (uses.startsWith("docker/build-push-action")) {
      found.builds.push(readBuild(w, stepVars, triggers, origin, found));
    } else if (wrapsBuildPush(uses, w)) {
      // Another action that builds and pushes (depot/, useblacksmith/, an organisation's own): read by its inputs.
      const build = readBuild(w, stepVars, triggers, origin, found);
      found.builds.push({ ...build, guess: `read from the inputs of ${uses.replace(/@.*$/, "")}, a guess` });
    } else if (uses.startsWith("samvera-labs/helm-oci-charts-releaser") || uses.includes("chart-releaser")) {
      const registry = [w.oci_registry, w.oci_path]
        .filter((p) => p !== undefined && p !== "")
        .map((p) => known(String(p), stepVars))
        .join("/");
      found.charts.push({
        dir: String(w.charts_dir ?? "charts"),
        ...(registry ? { registry } : {}),
        from: origin("charts_dir"),
      });
    }
    if (typeof step.run === "string") readRun(step.run, stepVars, vars, originOf(y, [...here, "run"]), found);
  });
}

/**
 * A remote action that wraps a build and push: its name says so, or its inputs name a build (context or file) and
 * where it goes (tags, repository, images).
 */
function wrapsBuildPush(uses: string, w: Record<string, unknown>): boolean {
  if (!uses || uses.startsWith("./") || uses.startsWith("docker://") || uses.startsWith("docker/")) return false;
  if (/build-push|build-and-push/i.test(uses.replace(/@.*$/, ""))) return true;
  const has = (...keys: string[]) => keys.some((k) => w[k] !== undefined);
  return has("context", "file", "dockerfile") && has("tags", "repository", "images", "image");
}

/** Docker Hub's other names are Docker Hub. */
export function dockerHost(host: string): string {
  const h = host
    .replace(/^https?:\/\//, "")
    .replace(/\/.*$/, "")
    .toLowerCase();
  return ["index.docker.io", "registry.hub.docker.com", "registry-1.docker.io", "docker.io"].includes(h)
    ? "docker.io"
    : h;
}

/** `docker login [options] [host]` in a script: Docker Hub without a host. */
export function dockerLogins(script: string, from: Origin): WorkflowLogin[] {
  const logins: WorkflowLogin[] = [];
  for (const words of shellCommands(script)) {
    const k = words.findIndex((w, i) => w === "docker" && words[i + 1] === "login");
    if (k < 0) continue;
    const args = words.slice(k + 2);
    let host: string | undefined;
    for (let i = 0; i < args.length; i++) {
      if (/^(-u|--username|-p|--password)$/.test(args[i]!)) i++;
      else if (!args[i]!.startsWith("-")) host = args[i];
    }
    if (host === undefined || !(hasUnknown(host) || host.includes("$")))
      logins.push({ host: dockerHost(host ?? "docker.io"), from });
  }
  return logins;
}

function readBuild(
  w: Record<string, unknown>,
  vars: Vars,
  triggers: readonly string[],
  origin: (key?: string) => Origin,
  found: Collect,
): WorkflowBuild {
  const from = origin(w.target !== undefined ? "target" : w.tags !== undefined ? "tags" : undefined);
  const value = (key: string): string | undefined => {
    if (w[key] === undefined) return undefined;
    const e = evaluateExpressions(String(w[key]), vars);
    if (!e.ok)
      found.unknown.push(`${at(origin(key))}: ${key} ${e.unknown.join(" ")} cannot be evaluated here; left out`);
    return e.ok ? e.value.trim() : undefined;
  };
  const repositories: string[] = [];
  let unknownRepository: { text: string; name?: string } | undefined;
  const rawTags = listOf(w.tags);
  listOf(evaluatePartly(String(w.tags ?? ""), vars)).forEach((tag, k) => {
    const repository = tag
      .replace(/:[^/:]*$/, "")
      .replace(/@sha256:.*$/, "")
      .toLowerCase();
    if (hasUnknown(repository)) {
      const text = rawTags[k] ?? String(w.tags).split("\n")[0]!.trim();
      found.unknown.push(`${at(origin("tags"))}: the image repository of tag ${text} cannot be evaluated here`);
      const last = repository.split("/").pop()!;
      unknownRepository ??= { text: `${text} (${at(origin("tags"))})`, ...(hasUnknown(last) ? {} : { name: last }) };
    } else if (repository && !repositories.includes(repository)) repositories.push(repository);
  });
  // Wrapping actions name the image by other inputs: `repository`, `image`, `images`.
  for (const key of ["repository", "image", "images"]) {
    if (w.tags !== undefined || w[key] === undefined) continue;
    for (const ref of listOf(evaluatePartly(String(w[key]), vars))) {
      const repository = ref.replace(/:[^/:]*$/, "").toLowerCase();
      if (!hasUnknown(repository) && repository && !repositories.includes(repository)) repositories.push(repository);
    }
  }
  const buildArgs: Record<string, string | undefined> = {};
  for (const line of listOf(String(w["build-args"] ?? "").replace(/,/g, "\u0001")).map((l) =>
    l.replace(/\u0001/g, ","),
  )) {
    const eq = line.indexOf("=");
    if (eq <= 0) continue;
    const e = evaluateExpressions(line.slice(eq + 1), vars);
    buildArgs[line.slice(0, eq).trim()] = e.ok ? e.value : undefined;
  }
  const outputs = String(w.outputs ?? "");
  // `outputs: type=image,name=<repository>,push-by-digest=true,…` names the repository a per-platform build pushes.
  const named = outputs.match(/type=(?:image|registry)[^\n]*?\bname=((?:\$\{\{.*?\}\}|[^,\s])+)/)?.[1];
  if (named && w.tags === undefined) {
    const repository = evaluatePartly(named, vars)
      .replace(/:[^/:]*$/, "")
      .toLowerCase();
    if (!hasUnknown(repository)) repositories.push(repository);
    else {
      const last = repository.split("/").pop()!;
      unknownRepository ??= {
        text: `${named} (${at(origin("outputs"))})`,
        ...(hasUnknown(last) ? {} : { name: last }),
      };
    }
  }
  // A push decided by an expression (`push: ${{ github.event_name != 'pull_request' }}`) pushes on some runs.
  const conditional = (text: string) => /^\$\{\{.*\}\}$/.test(text.trim());
  const pushes =
    String(w.push) === "true" ||
    conditional(String(w.push ?? "")) ||
    /type=(registry|image)[^\n]*push=(true|\$\{\{)|type=registry/.test(outputs);
  const local = String(w.load) === "true" || /type=(docker|tar|oci)/.test(outputs);
  const target = value("target");
  const context = value("context");
  const file = value(w.file !== undefined ? "file" : "dockerfile");
  const platforms = value("platforms");
  return {
    repositories,
    ...(unknownRepository && !repositories.length ? { unknownRepository } : {}),
    ...(target ? { target } : {}),
    ...(context && context !== "." && context !== "./" ? { context: normalize(context) } : {}),
    ...(file ? { file: normalize(file) } : {}),
    ...(platforms ? { platforms: listOf(platforms) } : {}),
    ...(Object.keys(buildArgs).length ? { buildArgs } : {}),
    pushes,
    feedsTest: local && triggers.some((t) => t.startsWith("pull_request")),
    from,
  };
}

/** A run step: its `$GITHUB_ENV` writes (for the steps after it) and the compose files it runs. */
function readRun(
  run: string,
  stepVars: Vars,
  jobVars: Record<string, string | undefined>,
  from: Origin,
  found: Collect,
): void {
  const text = evaluatePartly(run, stepVars);
  for (const write of githubEnvWrites(text, shellVars(stepVars))) {
    jobVars[`env.${write.name}`] = "value" in write ? write.value : undefined;
  }
  // `COMPOSE_FILE` in the step's or job's env names the files a compose command without -f reads.
  const composeFile = stepVars["env.COMPOSE_FILE"];
  const defaults = composeFile ? composeFile.split(/[:,]/).filter(Boolean) : [];
  found.composeRuns.push(...composeRuns(text, from, defaults).filter((r) => !r.files.some(hasUnknown)));
  found.logins.push(...dockerLogins(text, from));
}

/** Options of `docker compose run|exec` that take a value: the service is the first word that is neither. */
const VALUED = new Set([
  "-e",
  "--env",
  "--entrypoint",
  "-l",
  "--label",
  "--name",
  "-p",
  "--publish",
  "--pull",
  "-u",
  "--user",
  "-v",
  "--volume",
  "-w",
  "--workdir",
  "--index",
  "--cap-add",
  "--cap-drop",
  "--env-from-file",
]);

/**
 * Every `docker compose -f <file>… [run|exec [options] <service>]` in a script; without -f, the files `COMPOSE_FILE`
 * names (`defaults`), when it names any.
 */
export function composeRuns(script: string, from: Origin, defaults: readonly string[] = []): ComposeRun[] {
  const runs: ComposeRun[] = [];
  for (const words of shellCommands(script)) {
    const start = words.findIndex((w, k) => w === "docker-compose" || (w === "docker" && words[k + 1] === "compose"));
    if (start < 0) continue;
    const files: string[] = [];
    let k = start + (words[start] === "docker" ? 2 : 1);
    for (; k < words.length && words[k]!.startsWith("-"); k++) {
      const f = words[k]!.match(/^(?:-f|--file)(?:=(.+))?$/);
      if (f) files.push(f[1] ?? words[++k] ?? "");
      else if (/^(-p|--project-name|--env-file|--profile|--project-directory)$/.test(words[k]!)) k++;
    }
    if (!files.length) files.push(...defaults);
    if (!files.length) continue;
    let service: string | undefined;
    let entrypoint = false;
    if (words[k] === "run" || words[k] === "exec") {
      for (k++; k < words.length; k++) {
        const w = words[k]!;
        if (!w.startsWith("-")) {
          service = w;
          break;
        }
        if (/^--entrypoint\b/.test(w)) entrypoint = true;
        if (VALUED.has(w)) k++;
      }
    }
    const args = service ? words.slice(k + 1).filter((w) => w !== "\\") : [];
    const unknown = args.some(hasUnknown)
      ? "it holds expressions init cannot evaluate"
      : entrypoint
        ? "it replaces the image's entrypoint, which charthouse keeps"
        : undefined;
    runs.push({
      files,
      ...(service ? { service } : {}),
      ...(args.length ? (unknown ? { commandUnknown: unknown } : { command: args }) : {}),
      from,
    });
  }
  return runs;
}

/**
 * A script's simple commands, each as its words: lines (backslash continuations joined) split
 * at `&&`, `||`, `|` and `;` outside quotes, redirections (`2>/dev/null`, `> log`) dropped.
 */
export function shellCommands(script: string): string[][] {
  const commands: string[][] = [];
  for (const line of script.replace(/\\\n/g, " ").split("\n")) {
    let current: string[] = [];
    let redirect = false;
    // A word is a run of quoted and unquoted parts (`A='*'`), an operator ends a command.
    for (const m of line.matchAll(
      /(?<![^\s])(\d*[<>]{1,2}&?)|((?:"(?:[^"\\]|\\.)*"|'[^']*'|[^\s"'|;&<>])+)|(&&|\|\||[|;&])/g,
    )) {
      if (m[3]) {
        commands.push(current);
        current = [];
      } else if (m[1]) {
        redirect = true;
      } else if (redirect) {
        redirect = false;
      } else {
        current.push(unquoteWord(m[2]!));
      }
    }
    commands.push(current);
  }
  return commands.filter((c) => c.length);
}

function unquoteWord(word: string): string {
  return [...word.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'|([^"']+)/g)]
    .map((m) => m[1]?.replace(/\\(.)/g, "$1") ?? m[2] ?? m[3])
    .join("");
}

/** A command line split into words as a shell would, quotes removed (no expansion). */
export function shellWords(line: string): string[] {
  return [...line.matchAll(/(?:"(?:[^"\\]|\\.)*"|'[^']*'|[^\s"'])+/g)].map((m) => unquoteWord(m[0]));
}
