import { dirname, join, relative, sep } from "node:path";
import type { ImagePlan } from "../../plan/types.js";

/**
 * One platform's build of one image: a target of the run's bake definition, loaded into the engine under `tags`.
 */
export interface BakeBuild {
  readonly image: ImagePlan;
  readonly platform: string;
  readonly tags: readonly string[];
}

/** The run's bake definition (`docker buildx bake --file`, JSON) and which build each of its targets is. */
export interface BakePlan {
  readonly definition: {
    readonly group: { readonly default: { readonly targets: readonly string[] } };
    readonly target: Readonly<Record<string, BakeTarget>>;
  };
  readonly targets: ReadonlyMap<string, BakeBuild>;
  /**
   * Where bake runs: the deepest directory holding every context and Dockerfile. Buildx asks for an entitlement
   * (`--allow fs.read=…`) to read a path outside its working directory.
   */
  readonly cwd: string;
}

interface BakeTarget {
  readonly context: string;
  readonly dockerfile: string;
  readonly target?: string;
  readonly platforms: readonly string[];
  readonly args: Readonly<Record<string, string>>;
  readonly labels: Readonly<Record<string, string>>;
  readonly tags: readonly string[];
  readonly output: readonly string[];
}

/** The first release of buildx whose progress comes as JSON lines (`--progress=rawjson`), which say what is built. */
const BAKE_SINCE: readonly [number, number] = [0, 12];

/** Whether this buildx (`docker buildx version`: `github.com/docker/buildx v0.38.2 …`) bakes as charthouse needs. */
export function bakes(buildxVersion: string): boolean {
  const found = buildxVersion.match(/\bv?(\d+)\.(\d+)\.\d+/);
  if (!found) return false;
  const [major, minor] = [Number(found[1]), Number(found[2])];
  return major > BAKE_SINCE[0] || (major === BAKE_SINCE[0] && minor >= BAKE_SINCE[1]);
}

/**
 * Every build of the run as one bake definition: a target per image and platform (BuildKit builds them in one
 * session, each shared stage once), each loaded into the engine (`type=docker`) under its tags, with the image's
 * target, build args and OCI labels. Target names are the image's and the platform's (`dassie-linux-arm64`).
 */
export function bakePlan(builds: readonly BakeBuild[], root: string): BakePlan {
  const targets = new Map<string, BakeBuild>();
  const target: Record<string, BakeTarget> = {};
  for (const build of builds) {
    const base = `${build.image.name}-${build.platform}`.replace(/[^A-Za-z0-9_-]/g, "-");
    let name = base;
    for (let n = 2; targets.has(name); n++) name = `${base}-${n}`;
    targets.set(name, build);
    const spec = build.image.build;
    target[name] = {
      context: join(root, spec.context),
      dockerfile: join(root, spec.dockerfile),
      ...(spec.target ? { target: spec.target } : {}),
      platforms: [build.platform],
      args: spec.buildArgs,
      labels: build.image.labels,
      tags: build.tags,
      output: ["type=docker"],
    };
  }
  const paths = Object.values(target).flatMap((t) => [t.context, dirname(t.dockerfile)]);
  return {
    definition: { group: { default: { targets: [...targets.keys()] } }, target },
    targets,
    cwd: commonDirectory(paths.length ? paths : [root]),
  };
}

/** The deepest directory that holds every one of `paths` (absolute). */
export function commonDirectory(paths: readonly string[]): string {
  let common = paths[0]!;
  for (const path of paths.slice(1)) {
    while (relative(common, path).split(sep)[0] === ".." && dirname(common) !== common) common = dirname(common);
  }
  return common;
}

/** What one line of bake's JSON progress told: targets now loaded, targets whose build failed. */
export interface BakeNews {
  readonly built: readonly string[];
  readonly failed: readonly string[];
}

interface Vertex {
  readonly digest: string;
  readonly name?: string;
  readonly completed?: string;
  readonly error?: string;
}

/**
 * Reads `docker buildx bake --progress=rawjson` as it comes, one JSON line at a time: a target is built once its
 * `[target] exporting to image` step completed (the image is in the engine under its tags), failed once any of
 * its steps failed. Keeps each target's steps, their output and errors as a person would read them, for the
 * failure of its image.
 */
export class BakeProgress {
  private readonly logs = new Map<string, string[]>();
  /** Which targets each step (by digest) belongs to. */
  private readonly vertices = new Map<string, Set<string>>();
  private readonly done = new Set<string>();
  private readonly broken = new Set<string>();
  /** Lines that are not progress: bake's own messages (`ERROR: target dassie: failed to solve: …`). */
  private readonly plain: string[] = [];
  private partial = "";

  constructor(private readonly targets: ReadonlySet<string>) {}

  /** Takes a chunk of bake's output; returns what it told. */
  feed(chunk: string): BakeNews {
    const lines = (this.partial + chunk).split("\n");
    this.partial = lines.pop() ?? "";
    const built: string[] = [];
    const failed: string[] = [];
    for (const line of lines) this.line(line, built, failed);
    return { built, failed };
  }

  /** The output of a target's steps, and bake's own messages. */
  output(target: string): string {
    return [...(this.logs.get(target) ?? []), ...this.plain].join("\n");
  }

  private line(line: string, built: string[], failed: string[]): void {
    if (!line.trim()) return;
    let status: { vertexes?: Vertex[]; logs?: { vertex: string; data?: string }[] };
    try {
      status = JSON.parse(line) as typeof status;
    } catch {
      this.plain.push(line);
      return;
    }
    for (const vertex of status.vertexes ?? []) {
      const target = this.targetOf(vertex);
      if (target === undefined) continue;
      const log = this.logs.get(target) ?? [];
      this.logs.set(target, log);
      // A stage several targets share is one step (one digest) in each target's progress.
      const of = this.vertices.get(vertex.digest) ?? new Set<string>();
      this.vertices.set(vertex.digest, of);
      if (!of.has(target)) {
        of.add(target);
        log.push(`${vertex.name}`);
      }
      if (vertex.error && !this.broken.has(target)) {
        this.broken.add(target);
        log.push(`ERROR: ${vertex.error}`);
        failed.push(target);
      }
      const exported = / exporting to image$/.test(vertex.name ?? "");
      if (exported && vertex.completed && !vertex.error && !this.broken.has(target) && !this.done.has(target)) {
        this.done.add(target);
        built.push(target);
      }
    }
    for (const entry of status.logs ?? []) {
      const text = entry.data && Buffer.from(entry.data, "base64").toString("utf8").trimEnd();
      if (text) for (const target of this.vertices.get(entry.vertex) ?? []) this.logs.get(target)!.push(text);
    }
  }

  /** `[dassie-linux-amd64 hyrax-base 2/4] WORKDIR …` and `[dassie-linux-amd64] exporting to image` are dassie's. */
  private targetOf(vertex: Vertex): string | undefined {
    const name = vertex.name?.match(/^\[([A-Za-z0-9_-]+)[\] ]/)?.[1];
    return name !== undefined && this.targets.has(name) ? name : undefined;
  }
}
