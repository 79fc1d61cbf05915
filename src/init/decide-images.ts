import { dirname, join, normalize } from "node:path";
import { at, type Origin } from "./read-yaml.js";
import type { WorkflowBuild } from "./learn-workflows.js";

/** An image charthouse.yaml will publish, decided from the builds the workflows run. */
export interface DecidedImage {
  readonly name: string;
  /** Path under the registry, when it differs from the name; a `TODO: …` when the workflow's cannot be evaluated. */
  readonly repository: string;
  readonly target?: string;
  readonly context?: string;
  readonly dockerfile?: string;
  readonly platforms: readonly string[];
  /** What the workflow passes; undefined where it cannot be evaluated (init decides what to write). */
  readonly buildArgs?: Readonly<Record<string, string | undefined>>;
  /** Why the image is a guess, when it is (read from a wrapping action, a script, a bake file). */
  readonly guess?: string;
  readonly from: readonly Origin[];
}

export type ImageDecision =
  | {
      readonly ok: true;
      /** The registry and namespace every image is published under, and where it was read. */
      readonly registry?: { readonly value: string; readonly from: Origin };
      /** Why no registry could be decided (the workflows publish to several), for the TODO init writes. */
      readonly registryTodo?: string;
      readonly images: readonly DecidedImage[];
      /** Builds left out, each with its reason (a target no Dockerfile defines, an image pushed only for the tests). */
      readonly left: readonly string[];
      /**
       * Repositories the workflows push that are not published (stale or test-only): values naming them are not pinned.
       */
      readonly unpublished: readonly string[];
    }
  | { readonly ok: false; readonly reason: string };

const NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

/**
 * Which images to publish. Builds of one repository are one image (their platforms
 * joined); builds of different repositories are different images, named by the last part
 * of their repository (more parts when two share it). A build whose target no Dockerfile
 * defines is stale; one that only feeds the tests (exported for a later job in a workflow
 * run on pull requests) is not published. The
 * registry is the namespace all published repositories share. Refused, naming the builds:
 * one repository built from two targets, repositories on different hosts.
 */
export function decideImages(
  builds: readonly WorkflowBuild[],
  stages: (build: WorkflowBuild) => boolean,
): ImageDecision {
  const left: string[] = [];
  const unpublished: string[] = [];
  const kept: WorkflowBuild[] = [];
  for (const b of builds) {
    const what = b.repositories[0] ?? b.target ?? "an image";
    if (!stages(b)) {
      left.push(
        `${at(b.from)}: target ${b.target} (${what}) is no stage of ` +
          `${normalize(b.file ?? join(b.context ?? ".", "Dockerfile"))}; left out (stale)`,
      );
      unpublished.push(...b.repositories);
    } else if (!b.pushes) {
      left.push(`${at(b.from)}: ${what} is built without being pushed; not published`);
    } else if (b.feedsTest) {
      left.push(
        `${at(b.from)}: ${what} is pushed for CI, to feed the tests; not published (charthouse's test gate builds ` +
          "what it tests)",
      );
      unpublished.push(...b.repositories);
    } else kept.push(b);
  }
  const groups = new Map<string, WorkflowBuild[]>();
  for (const b of kept) {
    const key =
      b.repositories[0] !== undefined
        ? withHost(b.repositories[0])
        : b.unknownRepository
          ? `unknown:${b.unknownRepository.text}`
          : `target:${b.target ?? ""}`;
    groups.set(key, [...(groups.get(key) ?? []), b]);
  }
  // A build naming no repository builds the same image as the one build of its target that
  // names one: it joins that group rather than inventing a repository of its own.
  for (const [key, group] of [...groups]) {
    if (!key.startsWith("target:") || group[0]!.target === undefined) continue;
    const named = [...groups].filter(
      ([k, g]) => !k.startsWith("target:") && g.some((b) => b.target === group[0]!.target),
    );
    if (named.length !== 1) continue;
    named[0]![1].push(...group);
    groups.delete(key);
  }
  // What init cannot decide it leaves as a TODO that check names, never a choice of its own.
  const todoTarget = new Map<string, string>();
  for (const [key, group] of groups) {
    const targets = [...new Set(group.map((b) => b.target ?? ""))];
    if (targets.length > 1)
      todoTarget.set(
        key,
        `TODO: the target to publish as ${key.replace(/^target:/, "")}: the workflows build ` +
          `${group.map((b) => `${b.target ?? "(none)"} (${at(b.from)})`).join(" and ")}`,
      );
  }
  const repositories = [...groups.keys()].filter((k) => !k.startsWith("target:") && !k.startsWith("unknown:"));
  // Every repository a build pushes, not only the first: one build often pushes to Docker Hub and to ghcr.io.
  const pushed = new Map<string, Origin>();
  for (const b of kept) for (const r of b.repositories) if (!pushed.has(withHost(r))) pushed.set(withHost(r), b.from);
  const hosts = [...new Set([...pushed.keys()].map((r) => r.split("/")[0]!))];
  // Several registries: the images keep their names; which registry charthouse publishes to is a person's choice.
  const registryTodo =
    hosts.length > 1
      ? `the workflows publish to ${hosts.length} registries: ${[...pushed]
          .map(([r, from]) => `${r} (${at(from)})`)
          .join(", ")}; charthouse publishes to one: choose it`
      : undefined;
  const namespace = commonNamespace(repositories);
  const registry =
    namespace && !registryTodo ? { value: namespace, from: groups.get(repositories[0]!)![0]!.from } : undefined;
  const images: DecidedImage[] = [];
  const taken = new Set<string>();
  const relative = (key: string) =>
    registryTodo ? key.split("/").pop()! : namespace ? key.slice(namespace.length + 1) : key;
  // An image named after its target publishes to a repository of that name: never one another image publishes.
  const published = new Set(repositories.map(relative));
  for (const [key, group] of groups) {
    const unknown = group[0]!.unknownRepository;
    const repository = key.startsWith("target:") || unknown ? undefined : relative(key);
    // Named after what is known of it; with nothing known, after its Dockerfile's folder: a local name, never pushed.
    const parts = (
      group[0]!.name ??
      repository ??
      unknown?.name ??
      group[0]!.target ??
      folderOf(group[0]!.file ?? join(group[0]!.context ?? ".", "Dockerfile"))
    ).split("/");
    const clashes = (n: string) =>
      taken.has(n) ||
      ((repository === undefined || group[0]!.name !== undefined) && published.has(n) && n !== repository);
    let name = "";
    for (let n = 1; n <= parts.length && (name === "" || clashes(name)); n++)
      name = parts
        .slice(-n)
        .join("-")
        .toLowerCase()
        .replace(/[^a-z0-9._-]+/g, "-");
    for (let k = 2; clashes(name) || !NAME.test(name); k++)
      name = `${(name.replace(/[^a-z0-9]+$/, "") || "image").replace(/^[^a-z0-9]+/, "")}-${k}`;
    taken.add(name);
    const first = group[0]!;
    images.push({
      name,
      repository: unknown
        ? `TODO: the image repository under the registry (the workflow's tag ${unknown.text} cannot be evaluated here)`
        : key === "target:"
          ? `TODO: the image repository under the registry (${at(first.from)} names neither tags nor a target)`
          : (repository ?? name),
      ...(todoTarget.has(key) ? { target: todoTarget.get(key)! } : first.target ? { target: first.target } : {}),
      ...(first.context ? { context: first.context } : {}),
      ...(first.file ? { dockerfile: first.file } : {}),
      platforms: [...new Set(group.flatMap((b) => b.platforms ?? []))],
      ...(first.buildArgs ? { buildArgs: first.buildArgs } : {}),
      ...(group.find((b) => b.guess) ? { guess: group.find((b) => b.guess)!.guess! } : {}),
      // A matrix runs one step many times: one origin each.
      from: group
        .map((b) => b.from)
        .filter((o, k, all) => all.findIndex((x) => x.file === o.file && x.line === o.line) === k),
    });
  }
  return {
    ok: true,
    ...(registry ? { registry } : {}),
    ...(registryTodo ? { registryTodo } : {}),
    images,
    left,
    unpublished: [...new Set(unpublished)],
  };
}

/** The folder a Dockerfile is in (`docker/web` for docker/web/Dockerfile), else the project's: `app`. */
function folderOf(dockerfile: string): string {
  const dir = dirname(normalize(dockerfile));
  return dir === "." ? "app" : dir;
}

/**
 * The path all repositories share, less their own last part: `ghcr.io/samvera/hyrax` for `…/hyrax/dassie` and
 * `…/hyrax/hyrax-base`.
 */
function commonNamespace(repositories: readonly string[]): string | undefined {
  if (!repositories.length) return undefined;
  const split = repositories.map((r) => r.split("/").slice(0, -1));
  let n = 0;
  while (split.every((s) => n < s.length && s[n] === split[0]![n])) n++;
  return n ? split[0]!.slice(0, n).join("/") : undefined;
}

/** Docker's reading of a reference without a registry host: Docker Hub (`redis` is docker.io/library/redis). */
function withHost(repository: string): string {
  const [first, ...rest] = repository.split("/");
  if (first!.includes(".") || first!.includes(":") || first === "localhost") return repository;
  return rest.length ? `docker.io/${repository}` : `docker.io/library/${repository}`;
}
