import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { isMap, LineCounter, parseDocument, type Document } from "yaml";

/** Where a learned value was read: a file of the repository and a line in it. */
export interface Origin {
  readonly file: string;
  readonly line: number;
}

export interface LearnedImage {
  readonly name: string;
  readonly target?: string;
  readonly platforms?: readonly string[];
  /** The registry and namespace its tag names (`ghcr.io/samvera/hyrax`). */
  readonly registry?: string;
  readonly from: Origin;
}

export interface LearnedService {
  readonly name: string;
  readonly image: string;
  readonly port?: number;
  readonly env: Readonly<Record<string, string>>;
  readonly command?: readonly string[];
  readonly ready?: readonly string[];
  readonly from: Origin;
}

/** What a repository's CI and compose files already say about building, testing and publishing it. */
export interface Learned {
  readonly images: readonly LearnedImage[];
  /** The service a compose file builds from this repository's Dockerfile: its target is the test image's. */
  readonly tested?: { readonly service: string; readonly target?: string; readonly command?: readonly string[]; readonly from: Origin };
  readonly services: readonly LearnedService[];
  readonly charts: readonly { readonly dir: string; readonly registry?: string; readonly from: Origin }[];
  /** Workflow files and jobs that publish what charthouse will: left as they are, listed for the person. */
  readonly supersedes: readonly string[];
}

interface Yaml {
  readonly file: string;
  readonly doc: Document;
  readonly lines: LineCounter;
}

function readYaml(root: string, path: string): Yaml | undefined {
  try {
    const lines = new LineCounter();
    const doc = parseDocument(readFileSync(join(root, path), "utf8"), { lineCounter: lines });
    return doc.errors.length ? undefined : { file: path, doc, lines };
  } catch {
    return undefined;
  }
}

/** The line of the node at `path` in a file (1 when it has none). */
function lineOf(y: Yaml, path: readonly (string | number)[]): number {
  const node = y.doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
  return node?.range ? y.lines.linePos(node.range[0]).line : 1;
}

const list = (value: unknown): string[] =>
  Array.isArray(value) ? value.map(String) : typeof value === "string" ? value.split(/[\n,]/).map((s) => s.trim()).filter(Boolean) : [];

/**
 * `${{ github.repository }}` (from the git remote, lowercased as registries need) and
 * `${{ env.NAME }}` of the workflow or job; undefined when an expression stays unknown.
 */
function expand(text: string, vars: Readonly<Record<string, string | undefined>>): string | undefined {
  let unknown = false;
  const out = text.replace(/\$\{\{\s*([\w.-]+)\s*\}\}/g, (_, name: string) => {
    const value = vars[name];
    if (value === undefined) unknown = true;
    return value ?? "";
  });
  return unknown ? undefined : out;
}

/** Reads the GitHub workflows, CircleCI config and compose files of `root`. */
export function learnFromRepository(root: string, github: { readonly repository?: string }): Learned {
  const images: LearnedImage[] = [];
  const charts: { dir: string; registry?: string; from: Origin }[] = [];
  const supersedes: string[] = [];
  const repository = github.repository?.toLowerCase();

  const workflowDir = join(root, ".github/workflows");
  const workflows = existsSync(workflowDir) ? readdirSync(workflowDir).filter((f) => /\.ya?ml$/.test(f)).sort() : [];
  for (const name of workflows) {
    const y = readYaml(root, `.github/workflows/${name}`);
    const data = y?.doc.toJS() as { env?: Record<string, string>; jobs?: Record<string, { env?: Record<string, string>; steps?: Record<string, unknown>[] }> } | undefined;
    if (!y || !data?.jobs) continue;
    for (const [jobName, job] of Object.entries(data.jobs)) {
      const vars: Record<string, string | undefined> = { "github.repository": repository, "github.repository_owner": repository?.split("/")[0] };
      for (const [k, v] of Object.entries({ ...data.env, ...job.env })) vars[`env.${k}`] = expand(String(v), vars);
      let publishes = false;
      (job.steps ?? []).forEach((step, i) => {
        const uses = String(step.uses ?? "");
        const w = (step.with ?? {}) as Record<string, unknown>;
        const at = (key: string): Origin => ({ file: y.file, line: lineOf(y, ["jobs", jobName, "steps", i, "with", key]) });
        if (uses.startsWith("docker/build-push-action")) {
          publishes = true;
          // The repository part of the first tag; its tag part (a date, a sha) does not matter here.
          const tag = list(w.tags)[0];
          const path = tag === undefined ? undefined : expand(tag.replace(/:[^/]*$/, ""), vars);
          images.push({
            name: path?.split("/").pop() ?? String(w.target ?? `image-${i}`),
            ...(w.target ? { target: String(w.target) } : {}),
            ...(w.platforms ? { platforms: list(w.platforms) } : {}),
            ...(path?.includes("/") ? { registry: path.slice(0, path.lastIndexOf("/")) } : {}),
            from: at(w.target ? "target" : "tags"),
          });
        }
        if (uses.startsWith("samvera-labs/helm-oci-charts-releaser")) {
          publishes = true;
          const registry = [w.oci_registry, w.oci_path].filter((p) => p !== undefined && p !== "").map(String).join("/");
          charts.push({ dir: String(w.charts_dir ?? "charts"), ...(registry ? { registry } : {}), from: at("charts_dir") });
        }
        const push = String(step.run ?? "").match(/helm push \S+ oci:\/\/(\S+)/);
        if (push) {
          publishes = true;
          charts.push({ dir: "", registry: expand(push[1]!, vars), from: { file: y.file, line: lineOf(y, ["jobs", jobName, "steps", i, "run"]) } });
        }
      });
      if (publishes) supersedes.push(`${y.file} (job ${jobName})`);
    }
  }

  const circle = readYaml(root, ".circleci/config.yml");
  const circleJobs = (circle?.doc.toJS() as { jobs?: Record<string, { steps?: unknown[] }> } | undefined)?.jobs ?? {};
  for (const [jobName, job] of Object.entries(circleJobs)) {
    (job.steps ?? []).forEach((step, i) => {
      const run = (step as { run?: unknown })?.run;
      const command = typeof run === "string" ? run : String((run as { command?: string } | undefined)?.command ?? "");
      const build = command.match(/docker (?:buildx )?build\b([^\n]*)/);
      if (!build) return;
      const tag = build[1]!.match(/(?:-t|--tag)[ =](\S+)/)?.[1];
      const target = build[1]!.match(/--target[ =](\S+)/)?.[1];
      const path = tag?.replace(/:[^/]*$/, "");
      if (!path || path.includes("$")) return;
      images.push({ name: path.split("/").pop()!, ...(target ? { target } : {}), ...(path.includes("/") ? { registry: path.slice(0, path.lastIndexOf("/")) } : {}), from: { file: circle!.file, line: lineOf(circle!, ["jobs", jobName, "steps", i]) } });
      if (/docker push/.test(command) && !supersedes.includes(`${circle!.file} (job ${jobName})`)) supersedes.push(`${circle!.file} (job ${jobName})`);
    });
  }

  const { services, tested } = learnFromCompose(root);
  return { images, charts, supersedes, services, ...(tested ? { tested } : {}) };
}

/** Services from the compose files, following `include:`; the one built from this repository is the tested image. */
function learnFromCompose(root: string): { services: LearnedService[]; tested?: Learned["tested"] } {
  const services: LearnedService[] = [];
  let tested: Learned["tested"];
  const seen = new Set<string>();
  const visit = (path: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    const y = readYaml(root, path);
    if (!y || !isMap(y.doc.contents)) return;
    const data = y.doc.toJS() as { include?: unknown[]; services?: Record<string, Record<string, unknown>> };
    for (const inc of Array.isArray(data.include) ? data.include : []) {
      const target = typeof inc === "string" ? inc : ((inc as { path?: string }).path ?? "");
      if (target) visit(relative(root, join(root, dirname(path), target)));
    }
    for (const [name, s] of Object.entries(data.services ?? {})) {
      const from: Origin = { file: y.file, line: lineOf(y, ["services", name]) };
      const command = typeof s.command === "string" ? ["sh", "-c", s.command] : Array.isArray(s.command) ? s.command.map(String) : undefined;
      if (s.build !== undefined) {
        tested ??= { service: name, ...(typeof s.build === "object" && s.build && "target" in s.build ? { target: String((s.build as { target: unknown }).target) } : {}), ...(command ? { command } : {}), from };
        continue;
      }
      if (typeof s.image !== "string") continue;
      const port = list(s.ports).map((p) => Number(p.split(":").pop()!.split("/")[0])).find((p) => Number.isInteger(p) && p > 0) ?? (typeof s.ports === "number" ? s.ports : undefined);
      const env: Record<string, string> = {};
      if (Array.isArray(s.environment)) for (const e of s.environment.map(String)) env[e.split("=")[0]!] = e.slice(e.indexOf("=") + 1);
      else if (s.environment && typeof s.environment === "object") for (const [k, v] of Object.entries(s.environment)) env[k] = String(v);
      const check = (s.healthcheck as { test?: unknown } | undefined)?.test;
      const ready = Array.isArray(check) ? (check[0] === "CMD-SHELL" ? ["sh", "-c", String(check[1])] : check[0] === "CMD" ? check.slice(1).map(String) : undefined) : typeof check === "string" ? ["sh", "-c", check] : undefined;
      services.push({ name, image: s.image, ...(port ? { port } : {}), env, ...(command ? { command } : {}), ...(ready ? { ready } : {}), from });
    }
  };
  for (const file of ["compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"]) if (existsSync(join(root, file))) visit(file);
  return { services, ...(tested ? { tested } : {}) };
}

/** `file:line`, as a comment names it. */
export function at(origin: Origin): string {
  return `${origin.file}:${origin.line}`;
}
