/**
 * charthouse: build, test and publish a project's container images and Helm charts
 *
 * Reads the project's charthouse.yaml, works out the release plan for this run (nightly, release tag, default-branch
 * push, pull request) against what the registry holds, runs every gate, and only then publishes: immutable names first,
 * moving aliases last. Every decision comes from the charthouse library bundled in ./lib; these functions only map its
 * steps to Dagger calls.
 */
import { argument, check, Container, dag, Directory, ExistsType, func, object, Secret } from "@dagger.io/dagger";
import { posix } from "node:path";
import * as ch from "../lib/charthouse.js";

/**
 * Left out of the source, at any depth: dependencies and build output; and what git changes without a commit (HEAD,
 * refs and objects stay: the commit and its time; vendored subchart .tgz files stay).
 */
const IGNORE = [
  "**/node_modules",
  "**/dist",
  "**/charthouse-packages",
  "**/.image",
  ".git/logs",
  ".git/hooks",
  ".git/index",
];

@object()
export class Charthouse {
  source: Directory;
  config: string;
  sha: string;

  constructor(
    /** The project: the directory holding charthouse.yaml (default: where dagger runs). */ @argument({
      defaultPath: "/",
      ignore: IGNORE,
    })
    source: Directory,
    /** The config file, relative to the source. */ config = "charthouse.yaml",
    /** The commit the run builds (default: the source's git HEAD). */ sha = "",
  ) {
    this.source = source;
    this.config = config;
    this.sha = sha;
  }

  /**
   * The release plan as JSON: images and tags, charts and versions, alias moves and the ordered steps. Reads the
   * registry; builds and pushes nothing.
   */
  @func({ cache: "never" })
  async plan(
    /** Plan a nightly run: nightly-YYYYMMDD and nightly tags, a -nightly.YYYYMMDD chart. */ nightly = false,
    /** Plan the run of this git tag, e.g. v5.0.1 or hyrax-chart-v3.7.5. */ tag = "",
    /** Plan a push to this branch (the default branch publishes sha-<commit>). */ branch = "",
    /** Plan a pull request's run: every gate, nothing published. */ pr = false,
    /** The run's UTC date, YYYY-MM-DD, for the nightly datestamp (default: today). */ date = "",
    /** Registry user, to read private repositories. */ registryUsername = "",
    /** Registry password or token, e.g. env://GHCR_TOKEN. */ registryPassword?: Secret,
  ): Promise<string> {
    const { plan } = await prepare(
      this,
      "plan",
      { nightly, tag, branch, pr, date },
      ch.givenCredentials(registryUsername, registryPassword),
    );
    return JSON.stringify({ ...plan, steps: ch.planSteps(plan) }, null, 2);
  }

  /**
   * Builds every image (or the one named) from its Dockerfile target with the plan's build args, platforms and OCI
   * labels; returns the built containers (the first platform of each), e.g. for `dagger call build --name dassie
   * terminal`.
   */
  @func({ cache: "session" })
  async build(
    /** Build only this image of charthouse.yaml (default: all). */ name = "",
    /** Label as a nightly run. */ nightly = false,
    /** Label as the run of this git tag. */ tag = "",
    /** The run's UTC date, YYYY-MM-DD. */ date = "",
  ): Promise<Container[]> {
    const { images } = await release(this, "build", { nightly, tag, date }, { image: name });
    return [...images.values()].map((variants) => variants[0]!.container);
  }

  /**
   * Runs the project's test gate: every image built and smoke-tested, then the test suite against its service
   * containers (solr, postgres, redis, fcrepo, …) bound with withServiceBinding.
   */
  @func()
  @check()
  async test(): Promise<string> {
    return (await release(this, "test", {})).text;
  }

  /**
   * Builds every chart's dependencies, lints it strictly and renders it with its pinned images, in the pinned helm
   * image.
   */
  @func()
  @check()
  async lint(): Promise<string> {
    return (await release(this, "lint", {})).text;
  }

  /** The charts as .tgz files with the planned version, appVersion and pins. */
  @func({ cache: "session" })
  async package(
    /** Package as a nightly run would. */ nightly = false,
    /** Package as the run of this git tag would. */ tag = "",
    /** The run's UTC date, YYYY-MM-DD. */ date = "",
  ): Promise<Directory> {
    const { packages } = await release(this, "package", { nightly, tag, date });
    const files = [...packages.values()].map((p) => p.file);
    return dag.directory().withFiles(".", files);
  }

  /**
   * Runs every gate, then publishes: images (withRegistryAuth + publish, multi-platform through platformVariants) and
   * charts (helm push, the password from a Secret on stdin) at their immutable names; with a signing key, signs and
   * attests (an SBOM by syft, a provenance) every pushed digest with cosign; then moves the aliases by manifest copy.
   * Returns what was published, with digests.
   */
  @func({ cache: "never" })
  async publish(
    /** A nightly run: nightly-YYYYMMDD and nightly tags, a -nightly.YYYYMMDD chart. */ nightly = false,
    /** The run of this pushed git tag, e.g. v5.0.1 or hyrax-chart-v3.7.5. */ tag = "",
    /** A push to this branch (the default branch publishes sha-<commit> and its alias). */ branch = "",
    /** Every gate but no push and no alias move; prints the plan. */ dryRun = false,
    /** Registry user (e.g. the GitHub account or bot that owns the token). */ registryUsername = "",
    /** Registry password or token, as a secret: env://GHCR_TOKEN, file://…, cmd://…. */ registryPassword?: Secret,
    /** The run's UTC date, YYYY-MM-DD, for the nightly datestamp (default: today). */ date = "",
    /**
     * A cosign private key (cosign generate-key-pair's cosign.key) to sign and attest everything pushed, e.g.
     * env://COSIGN_KEY.
     */ signingKey?: Secret,
    /** The signing key's password, e.g. env://COSIGN_PASSWORD. */ signingPassword?: Secret,
    /** A GnuPG secret keyring to sign charts' helm provenance with, e.g. file://secring.gpg. */ gpgKeyring?: Secret,
    /** The key in --gpg-keyring to sign with (its name, email or fingerprint). */ gpgKey = "",
    /** The GnuPG key's passphrase, e.g. env://CHARTHOUSE_GPG_PASSPHRASE. */ gpgPassphrase?: Secret,
  ): Promise<string> {
    const signing = ch.givenSigningKeys(dag, { signingKey, signingPassword, gpgKeyring, gpgKey, gpgPassphrase });
    return (
      await release(
        this,
        "publish",
        { nightly, tag, branch, date },
        { dryRun, credentials: ch.givenCredentials(registryUsername, registryPassword), signing },
      )
    ).text;
  }
}

/** What every function shares: the Charthouse object's fields. */
type Project = { readonly source: Directory; readonly config: string; readonly sha: string };
/** Which run a function call is, as its arguments say ("" and false: not given). */
type Facts = {
  readonly nightly?: boolean;
  readonly tag?: string;
  readonly branch?: string;
  readonly pr?: boolean;
  readonly date?: string;
};

/** What the Dagger adapter runs the library with: this module's client and its bundle. */
const tools = (): ch.DaggerTools => ({ dag, bundle: dag.currentModule().source().file("lib/charthouse.js") });

/** The run prepared by the library from the project as the module sees it. */
async function prepare(
  { source, config, sha }: Project,
  command: ch.Command | "plan",
  facts: Facts,
  creds?: ch.ModuleCredentials,
) {
  const password = creds ? new ch.Secret(await creds.password.plaintext()) : undefined;
  // The project's files as the library reads them, through the source Directory's API (the module has no disk).
  const files: ch.ProjectFiles = {
    root: ch.SOURCE_ROOT,
    read: async (path) => {
      if (!(await source.exists(path))) return { kind: "absent" };
      return (await source.exists(path, { expectedType: ExistsType.DirectoryType }))
        ? { kind: "directory" }
        : { kind: "file", text: await source.file(path).contents() };
    },
  };
  const credentials = creds && password && { username: creds.username, password };
  return {
    ...(await ch.prepareFromFiles(files, {
      command,
      configFile: config,
      flags: ch.givenFlags({ ...facts, sha }),
      // The library reads the commit's time from the git objects, in the node tool image.
      commitTime: (commit) =>
        ch
          .libraryTool(
            tools(),
            `process.stdout.write(lib.commitTimeFromObjects("/git", ${JSON.stringify(commit)}) ?? "")`,
            (c) => c.withMountedDirectory("/git", source.directory(".git")),
          )
          .stdout()
          .catch(() => undefined),
      credentials,
      now: new Date(),
    })),
    password,
    files,
  };
}

/**
 * A command walked by the library's one orchestration (runRelease) on this module's engine; `text` is its log and
 * result.
 */
async function release(
  project: Project,
  command: ch.Command,
  facts: Facts,
  opts: { image?: string; dryRun?: boolean; credentials?: ch.ModuleCredentials; signing?: ch.ModuleSigningKeys } = {},
) {
  const { plan, config, client, password, files } = await prepare(project, command, facts, opts.credentials);
  const { credentials, signing } = opts;
  // The plan's paths are relative to the config's folder, as the CLI's are to its directory.
  const folder = ch.projectPath(posix.dirname(project.config));
  const plainHttpHosts = ch.plainHttpHosts(config);
  const engine = ch.daggerEngine({
    ...tools(),
    source: project.source,
    folder,
    credentials,
    signing,
    client,
    plainHttpHosts,
  });
  return ch.runReleaseLogged({
    command,
    plan,
    image: opts.image,
    sign: signing?.cosign !== undefined,
    engine,
    client,
    files: ch.inFolder(files, folder),
    // Read only to keep them out of the progress text, as the registry password is.
    secrets: [password, ...(await ch.signingSecrets(signing))],
    dryRun: opts.dryRun,
  });
}
