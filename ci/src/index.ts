/**
 * charthouse: build, test and publish a project's container images and Helm charts
 *
 * Reads the project's charthouse.yaml, works out the release plan for this run
 * (nightly, release tag, default-branch push, pull request) against what the registry
 * holds, runs every gate, and only then publishes: immutable names first, moving
 * aliases last. Every decision comes from the charthouse library bundled in ./lib;
 * these functions only map its steps to Dagger calls.
 */
import { argument, check, Container, dag, Directory, ExistsType, func, object, Secret } from "@dagger.io/dagger";
import * as ch from "../lib/charthouse.js";
import { TOOL_IMAGES } from "./tool-images.js";
import { daggerEngine, type ModuleCredentials } from "./engine.js";

/**
 * Left out of the source, at any depth: dependencies and build output; and what git
 * changes without a commit (HEAD, refs and objects stay: the commit and its time;
 * vendored subchart .tgz files stay).
 */
const IGNORE = ["**/node_modules", "**/dist", "**/charthouse-packages", "**/.image", ".git/logs", ".git/hooks", ".git/index"];

@object()
export class Charthouse {
  /**
   * The release plan as JSON: images and tags, charts and versions, alias moves and
   * the ordered steps. Reads the registry; builds and pushes nothing.
   */
  @func({ cache: "never" })
  async plan(
    /** The project: the directory holding charthouse.yaml (default: where dagger runs). */ @argument({ defaultPath: "/", ignore: IGNORE }) source: Directory,
    /** Plan a nightly run: nightly-YYYYMMDD and nightly tags, a -nightly.YYYYMMDD chart. */ nightly = false,
    /** Plan the run of this git tag, e.g. v5.0.1 or hyrax-chart-v3.7.5. */ tag = "",
    /** Plan a push to this branch (the default branch publishes sha-<commit>). */ branch = "",
    /** Plan a pull request's run: every gate, nothing published. */ pr = false,
    /** The commit the run builds (default: the source's git HEAD). */ sha = "",
    /** The run's UTC date, YYYY-MM-DD, for the nightly datestamp (default: today). */ date = "",
    /** The config file, relative to the source. */ config = "charthouse.yaml",
    /** Registry user, to read private repositories. */ registryUsername = "",
    /** Registry password or token, e.g. env://GHCR_TOKEN. */ registryPassword?: Secret,
  ): Promise<string> {
    const { plan } = await prepare("plan", source, { nightly, tag, branch, pr, sha, date, config }, credentials(registryUsername, registryPassword));
    return JSON.stringify({ ...plan, steps: ch.planSteps(plan) }, null, 2);
  }

  /**
   * Builds every image (or the one named) from its Dockerfile target with the plan's
   * build args, platforms and OCI labels; returns the built containers (the first
   * platform of each), e.g. for `dagger call build --name dassie terminal`.
   */
  @func({ cache: "session" })
  async build(
    /** The project: the directory holding charthouse.yaml. */ @argument({ defaultPath: "/", ignore: IGNORE }) source: Directory,
    /** Build only this image of charthouse.yaml (default: all). */ name = "",
    /** Label as a nightly run. */ nightly = false,
    /** Label as the run of this git tag. */ tag = "",
    /** The commit the run builds (default: the source's git HEAD). */ sha = "",
    /** The run's UTC date, YYYY-MM-DD. */ date = "",
    /** The config file, relative to the source. */ config = "charthouse.yaml",
  ): Promise<Container[]> {
    const { images } = await release("build", source, { nightly, tag, sha, date, config }, { image: name });
    return [...images.values()].map((variants) => variants[0]!);
  }

  /**
   * Runs the project's test gate: every image built and smoke-tested, then the test
   * suite against its service containers (solr, postgres, redis, fcrepo, …) bound with
   * withServiceBinding.
   */
  @func()
  @check()
  async test(
    /** The project: the directory holding charthouse.yaml. */ @argument({ defaultPath: "/", ignore: IGNORE }) source: Directory,
    /** The commit the run builds (default: the source's git HEAD). */ sha = "",
    /** The config file, relative to the source. */ config = "charthouse.yaml",
  ): Promise<string> {
    return (await release("test", source, { sha, config })).text;
  }

  /** Builds every chart's dependencies, lints it strictly and renders it with its pinned images, in the pinned helm image. */
  @func()
  @check()
  async lint(
    /** The project: the directory holding charthouse.yaml. */ @argument({ defaultPath: "/", ignore: IGNORE }) source: Directory,
    /** The commit the run builds (default: the source's git HEAD). */ sha = "",
    /** The config file, relative to the source. */ config = "charthouse.yaml",
  ): Promise<string> {
    return (await release("lint", source, { sha, config })).text;
  }

  /** The charts as .tgz files with the planned version, appVersion and pins. */
  @func({ cache: "session" })
  async package(
    /** The project: the directory holding charthouse.yaml. */ @argument({ defaultPath: "/", ignore: IGNORE }) source: Directory,
    /** Package as a nightly run would. */ nightly = false,
    /** Package as the run of this git tag would. */ tag = "",
    /** The commit the run builds (default: the source's git HEAD). */ sha = "",
    /** The run's UTC date, YYYY-MM-DD. */ date = "",
    /** The config file, relative to the source. */ config = "charthouse.yaml",
  ): Promise<Directory> {
    const { packages } = await release("package", source, { nightly, tag, sha, date, config });
    let out = dag.directory();
    for (const file of packages.values()) out = out.withFile(await file.name(), file);
    return out;
  }

  /**
   * Runs every gate, then publishes: images (withRegistryAuth + publish, multi-platform
   * through platformVariants) and charts (helm push, the password from a Secret on
   * stdin) at their immutable names, then moves the aliases by manifest copy. Returns
   * what was published, with digests.
   */
  @func({ cache: "never" })
  async publish(
    /** The project: the directory holding charthouse.yaml. */ @argument({ defaultPath: "/", ignore: IGNORE }) source: Directory,
    /** A nightly run: nightly-YYYYMMDD and nightly tags, a -nightly.YYYYMMDD chart. */ nightly = false,
    /** The run of this pushed git tag, e.g. v5.0.1 or hyrax-chart-v3.7.5. */ tag = "",
    /** A push to this branch (the default branch publishes sha-<commit> and its alias). */ branch = "",
    /** Every gate but no push and no alias move; prints the plan. */ dryRun = false,
    /** Registry user (e.g. the GitHub account or bot that owns the token). */ registryUsername = "",
    /** Registry password or token, as a secret: env://GHCR_TOKEN, file://…, cmd://…. */ registryPassword?: Secret,
    /** The commit the run builds (default: the source's git HEAD). */ sha = "",
    /** The run's UTC date, YYYY-MM-DD, for the nightly datestamp (default: today). */ date = "",
    /** The config file, relative to the source. */ config = "charthouse.yaml",
  ): Promise<string> {
    return (await release("publish", source, { nightly, tag, branch, sha, date, config }, { dryRun, credentials: credentials(registryUsername, registryPassword) })).text;
  }
}

interface RunFlags {
  nightly?: boolean;
  tag?: string;
  branch?: string;
  pr?: boolean;
  sha?: string;
  date?: string;
  config: string;
}

/** The run prepared by the library from the source as the module sees it. */
async function prepare(command: ch.Command | "plan", source: Directory, run: RunFlags, creds?: ModuleCredentials) {
  const password = creds ? new ch.Secret(await creds.password.plaintext()) : undefined;
  const view: ch.ProjectView = {
    fetch: (path) => fetchPath(source, path),
    // The library reads the commit's time from the git objects, in the node tool image.
    commitTime: (commit) =>
      tool(`process.stdout.write(lib.commitTimeFromObjects("/git", ${JSON.stringify(commit)}) ?? "")`, (c) => c.withMountedDirectory("/git", source.directory(".git")))
        .stdout()
        .catch(() => undefined),
  };
  const flags = { nightly: run.nightly, tag: run.tag || undefined, branch: run.branch || undefined, pr: run.pr || undefined, sha: run.sha || undefined, date: run.date || undefined };
  const prepared = await ch.prepareFromView(view, { command, configFile: run.config, flags, credentials: creds && password && { username: creds.username, password }, now: new Date() });
  return { ...prepared, password };
}

/** A command's steps walked by the library's one orchestration (runRelease) on this module's engine. */
async function release(command: ch.Command, source: Directory, run: RunFlags, opts: { image?: string; dryRun?: boolean; credentials?: ModuleCredentials } = {}) {
  const { plan, client, password } = await prepare(command, source, run, opts.credentials);
  let log = "";
  const outcome = await ch
    .runRelease({
      command,
      plan,
      image: opts.image,
      engine: daggerEngine({ source, credentials: opts.credentials, tool, client }),
      client,
      read: async (path) => ((await source.exists(path)) ? source.file(path).contents() : undefined),
      write: (text) => void (log += text),
      secrets: [password],
      dryRun: opts.dryRun,
    })
    // The function's error is all `dagger call` shows of a failed run: the progress with the
    // failing step's output (redacted by the run's reporter) goes with it.
    .catch((error: unknown) => {
      throw new Error(`${(error as Error).message}\n\n${log}`, { cause: error });
    });
  return { ...outcome, text: `${log}${ch.renderResult(outcome.result, command)}` };
}

/** The library run as a script (`lib` is the bundle) in the node tool image, set up by `setup`. */
export function tool(script: string, setup: (c: Container) => Container = (c) => c): Container {
  const bundle = dag.currentModule().source().file("lib/charthouse.js");
  const node = setup(dag.container().from(TOOL_IMAGES.node).withFile("/charthouse/charthouse.js", bundle));
  return node.withExec(["node", "--input-type=module", "-e", `const lib = await import("/charthouse/charthouse.js"); ${script}`]);
}

function credentials(username: string, password: Secret | undefined): ModuleCredentials | undefined {
  if (!password) return undefined;
  if (!username) throw new Error("--registry-password needs --registry-username (the account the token belongs to)");
  return { username, password };
}

/** What is at a project-relative path of the source. */
async function fetchPath(source: Directory, path: string): Promise<ch.Fetched> {
  if (!(await source.exists(path))) return { kind: "absent" };
  return (await source.exists(path, { expectedType: ExistsType.DirectoryType })) ? { kind: "directory" } : { kind: "file", text: await source.file(path).contents() };
}
