/**
 * charthouse: build, test and publish a project's container images and Helm charts
 *
 * Reads the project's charthouse.yaml, works out the release plan for this run
 * (nightly, release tag, default-branch push, pull request) against what the registry
 * holds, runs every gate, and only then publishes: immutable names first, moving
 * aliases last. Every decision comes from the charthouse library bundled in ./lib;
 * these functions only map its steps to Dagger calls.
 */
import { argument, check, Container, dag, Directory, File, func, object, Secret } from "@dagger.io/dagger";
import * as ch from "../lib/charthouse.js";
import { DaggerSteps, type ModuleCredentials } from "./steps.js";

/**
 * Left out of the source, at any depth: dependencies and build output; and git's object
 * store (HEAD and refs stay, for the commit; vendored subchart .tgz files stay).
 */
const IGNORE = ["**/node_modules", "**/dist", "**/charthouse-packages", "**/.image", ".git/objects", ".git/logs", ".git/hooks"];

const PROJECT = "/project";

@object()
export class Charthouse {
  /**
   * The release plan as JSON: images and tags, charts and versions, alias moves and
   * the ordered steps. Reads the registry; builds and pushes nothing.
   */
  @func({ cache: "never" })
  async plan(
    /** The project: the directory holding charthouse.yaml (default: where dagger runs). */
    @argument({ defaultPath: "/", ignore: IGNORE }) source: Directory,
    /** Plan a nightly run: nightly-YYYYMMDD and nightly tags, a -nightly.YYYYMMDD chart. */
    nightly = false,
    /** Plan the run of this git tag, e.g. v5.0.1 or hyrax-chart-v3.7.5. */
    tag = "",
    /** Plan a push to this branch (the default branch publishes sha-<commit>). */
    branch = "",
    /** Plan a pull request's run: every gate, nothing published. */
    pr = false,
    /** The commit the run builds (default: the source's git HEAD). */
    sha = "",
    /** The run's UTC date, YYYY-MM-DD, for the nightly datestamp (default: today). */
    date = "",
    /** The config file, relative to the source. */
    config = "charthouse.yaml",
    /** Registry user, to read private repositories. */
    registryUsername = "",
    /** Registry password or token, e.g. env://GHCR_TOKEN. */
    registryPassword?: Secret,
  ): Promise<string> {
    const { plan } = await this.prepare(source, { nightly, tag, branch, pr, sha, date, config }, credentials(registryUsername, registryPassword), true);
    return JSON.stringify({ ...plan, steps: ch.planSteps(plan) }, null, 2);
  }

  /**
   * Builds every image (or the one named) from its Dockerfile target with the plan's
   * build args, platforms and OCI labels; returns the built containers (the first
   * platform of each), e.g. for `dagger call build --name dassie terminal`.
   */
  @func({ cache: "session" })
  async build(
    /** The project: the directory holding charthouse.yaml. */
    @argument({ defaultPath: "/", ignore: IGNORE }) source: Directory,
    /** Build only this image of charthouse.yaml (default: all). */
    name = "",
    /** Label as a nightly run. */
    nightly = false,
    /** Label as the run of this git tag. */
    tag = "",
    /** The commit the run builds (default: the source's git HEAD). */
    sha = "",
    /** The run's UTC date, YYYY-MM-DD. */
    date = "",
    /** The config file, relative to the source. */
    config = "charthouse.yaml",
  ): Promise<Container[]> {
    const { plan, steps } = await this.prepare(source, { nightly, tag, sha, date, config }, undefined, false);
    const builds = ch.gateSteps(plan).filter((s) => s.kind === "build" && (!name || s.image.name === name));
    if (name && builds.length === 0) throw new Error(`charthouse.yaml has no image named ${name}: choose one of ${plan.images.map((i) => i.name).join(", ")}`);
    for (const step of builds) await steps.run(step);
    return builds.flatMap((s) => (s.kind === "build" ? [steps.built(s.image.name)[0]!] : []));
  }

  /**
   * Runs the project's test gate: every image built and smoke-tested, then the test
   * suite against its service containers (solr, postgres, redis, fcrepo, …) bound with
   * withServiceBinding.
   */
  @func()
  @check()
  async test(
    /** The project: the directory holding charthouse.yaml. */
    @argument({ defaultPath: "/", ignore: IGNORE }) source: Directory,
    /** The commit the run builds (default: the source's git HEAD). */
    sha = "",
    /** The config file, relative to the source. */
    config = "charthouse.yaml",
  ): Promise<string> {
    const { plan, steps } = await this.prepare(source, { sha, config }, undefined, false);
    return this.walk(steps, ch.gateSteps(plan).filter((s) => s.kind === "build" || s.kind === "smoke" || s.kind === "test"));
  }

  /** Builds every chart's dependencies, lints it strictly and renders it with its pinned images, in the pinned helm image. */
  @func()
  @check()
  async lint(
    /** The project: the directory holding charthouse.yaml. */
    @argument({ defaultPath: "/", ignore: IGNORE }) source: Directory,
    /** The commit the run builds (default: the source's git HEAD). */
    sha = "",
    /** The config file, relative to the source. */
    config = "charthouse.yaml",
  ): Promise<string> {
    const { plan, steps } = await this.prepare(source, { sha, config }, undefined, false);
    return this.walk(steps, ch.gateSteps(plan).filter((s) => s.kind === "chart-deps" || s.kind === "lint" || s.kind === "template"));
  }

  /** The charts as .tgz files with the planned version, appVersion and pins. */
  @func({ cache: "session" })
  async package(
    /** The project: the directory holding charthouse.yaml. */
    @argument({ defaultPath: "/", ignore: IGNORE }) source: Directory,
    /** Package as a nightly run would. */
    nightly = false,
    /** Package as the run of this git tag would. */
    tag = "",
    /** The commit the run builds (default: the source's git HEAD). */
    sha = "",
    /** The run's UTC date, YYYY-MM-DD. */
    date = "",
    /** The config file, relative to the source. */
    config = "charthouse.yaml",
  ): Promise<Directory> {
    const { plan, steps } = await this.prepare(source, { nightly, tag, sha, date, config }, undefined, false);
    await this.walk(steps, ch.packageSteps(plan));
    let out = dag.directory();
    for (const file of steps.packaged()) out = out.withFile(await file.name(), file);
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
    /** The project: the directory holding charthouse.yaml. */
    @argument({ defaultPath: "/", ignore: IGNORE }) source: Directory,
    /** A nightly run: nightly-YYYYMMDD and nightly tags, a -nightly.YYYYMMDD chart. */
    nightly = false,
    /** The run of this pushed git tag, e.g. v5.0.1 or hyrax-chart-v3.7.5. */
    tag = "",
    /** A push to this branch (the default branch publishes sha-<commit> and its alias). */
    branch = "",
    /** Every gate but no push and no alias move; prints the plan. */
    dryRun = false,
    /** Registry user (e.g. the GitHub account or bot that owns the token). */
    registryUsername = "",
    /** Registry password or token, as a secret: env://GHCR_TOKEN, file://…, cmd://…. */
    registryPassword?: Secret,
    /** The commit the run builds (default: the source's git HEAD). */
    sha = "",
    /** The run's UTC date, YYYY-MM-DD, for the nightly datestamp (default: today). */
    date = "",
    /** The config file, relative to the source. */
    config = "charthouse.yaml",
  ): Promise<string> {
    const creds = credentials(registryUsername, registryPassword);
    const { plan, steps, client } = await this.prepare(source, { nightly, tag, branch, sha, date, config }, creds, true);
    const all = ch.planSteps(plan);
    if (dryRun) {
      await this.walk(steps, all.filter((s) => s.phase === "gate"));
      return `dry run of ${plan.summary}: every gate passed; would publish:\n${all.filter((s) => s.phase !== "gate").map((s) => `  ${ch.describeStep(s)}`).join("\n")}`;
    }
    const pushes = all.flatMap((s) => (s.kind === "push-image" ? [s.image.repository] : s.kind === "push-chart" ? [s.chart.repository] : s.kind === "move-alias" ? [s.move.repository] : []));
    const lacking = (await ch.preflight(client, pushes)).filter((r) => !r.ok);
    if (lacking.length) throw new Error(`the registry credentials may not push to ${lacking.map((r) => `${r.repository} (${r.scope})`).join(", ")}; nothing was built or pushed`);
    await this.walk(steps, all);
    const settled = await ch.settleAliases(client, steps.aliases);
    const lines = [
      ...steps.published.map((p) => `${p.reference}@${p.digest}`),
      ...settled.map((a) => `${a.move.repository}:${a.move.alias} → ${a.move.from}${a.moved ? "" : ` (kept: ${a.reason})`}`),
    ];
    return lines.length ? lines.join("\n") : `nothing to do for ${plan.summary}: everything is already published from this commit`;
  }

  private async walk(steps: DaggerSteps, list: ch.Step[]): Promise<string> {
    for (const step of list) await steps.run(step);
    return list.map((s) => `ok  ${ch.describeStep(s)}`).join("\n");
  }

  /** Config (read through the Directory), run facts, registry state, plan. */
  private async prepare(
    source: Directory,
    run: { nightly?: boolean; tag?: string; branch?: string; pr?: boolean; sha?: string; date?: string; config: string },
    creds: ModuleCredentials | undefined,
    online: boolean,
  ): Promise<{ plan: ch.Plan; steps: DaggerSteps; client: ch.RegistryClient }> {
    const configPath = `${PROJECT}/${run.config}`;
    const loaded = await ch.loadConfigLazily(configPath, (path) => fetchPath(source, path));
    if (!loaded.ok) throw new Error(`${run.config} has problems:\n${loaded.errors.map((p) => ch.formatProblem(p, PROJECT)).join("\n")}`);
    const git = run.sha ? undefined : await ch.gitFactsFromFiles((p) => source.file(p).contents().catch(() => undefined));
    const context = ch.detectContext({
      flags: { nightly: run.nightly, tag: run.tag || undefined, branch: run.branch || undefined, pr: run.pr || undefined, sha: run.sha || undefined, date: run.date || undefined },
      env: {},
      git,
      now: new Date(),
    });
    const password = creds ? new ch.Secret(await creds.password.plaintext()) : undefined;
    const client = new ch.RegistryClient({ credentials: creds && password ? { username: creds.username, password } : undefined });
    const state = online ? await ch.readRegistryState(client, loaded.config, context) : { repositories: {} };
    const result = ch.planRelease({ config: loaded.config, context, state });
    if (!result.ok) throw new Error(`charthouse refuses this run; nothing was built or pushed:\n${result.refusals.map((r) => `  - ${r}`).join("\n")}`);
    const bundle: File = dag.currentModule().source().file("lib/charthouse.js");
    return { plan: result.plan, client, steps: new DaggerSteps(source, result.plan, PROJECT, creds, client, bundle) };
  }
}

function credentials(username: string, password: Secret | undefined): ModuleCredentials | undefined {
  if (!password) return undefined;
  if (!username) throw new Error("--registry-password needs --registry-username (the account the token belongs to)");
  return { username, password };
}

/** What is at a project path, read through the source Directory. */
async function fetchPath(source: Directory, path: string): Promise<ch.Fetched> {
  const rel = path === PROJECT ? "." : path.slice(PROJECT.length + 1);
  try {
    return { kind: "file", text: await source.file(rel).contents() };
  } catch {
    try {
      await (rel === "." ? source : source.directory(rel)).entries();
      return { kind: "directory" };
    } catch {
      return { kind: "absent" };
    }
  }
}
