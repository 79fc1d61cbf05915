import type { ChartStage } from "../chart/stage-recipe.js";
import type { Step } from "../pipeline/index.js";
import type { CachePlan, ImagePlan, ServicePlan } from "../plan/types.js";
import type { RegistryClient } from "../registry/client.js";
import type { SignatureMode } from "../signing/referrers.js";

/** How an engine builds, for the order runRelease gives its builds. */
export interface EngineTraits {
  /**
   * Builds in flight share the stages they have in common (BuildKit, Dagger): independent
   * targets build side by side. Without it (Docker's classic builder) two targets over one
   * base would each build the base, so builds go one at a time, each reusing the last's layers.
   */
  readonly sharedBuilds: boolean;
  /**
   * The engine's own platform (`linux/amd64`), when it knows it: an image variant for
   * another platform runs emulated there (QEMU), which the progress line says.
   */
  readonly platform?: string;
  /** How it builds, in a few words for the progress (`BuildKit (buildx) on linux/amd64`). */
  readonly builder?: string;
}

/**
 * What a release needs of a container engine: primitives, each with one meaning every
 * engine honours (test/integration/conformance runs the same scenarios against each). An engine
 * translates them into its own calls and decides nothing: what to build, gate, push and
 * move, in which order, is runRelease's. The handle types are each engine's own.
 */
export interface Engine<Image = unknown, Services = unknown, Chart = unknown, Package = unknown> {
  /**
   * What this engine cannot do for these steps (a platform, a missing engine), said before
   * anything runs: throws ConfigError. Else tells how it builds.
   */
  preflight(steps: readonly Step[]): Promise<EngineTraits>;

  /**
   * Builds one image of the plan: its Dockerfile target with its build args and OCI labels, for each of its platforms.
   */
  build(image: ImagePlan): Promise<Image>;

  /**
   * Runs `command` in a built image as `docker run IMAGE command` does: the image's
   * ENTRYPOINT kept (the command is its argument), its user and working directory kept,
   * `env` added. Each cache is a volume kept between runs under its key, mounted at its
   * path, which on first use starts with the image's content at that path and its
   * ownership. No network, unless `services` is given: then the command reaches each
   * service by its name. Runs the image's variant for `platform` (one the image was built
   * for; by default the engine's own, else the image's first), emulated where the engine's
   * platform is another. Throws StepFailed with the output when it exits non-zero.
   */
  exec(image: Image, command: readonly string[], opts?: ExecOptions<Services>): Promise<void>;

  /**
   * Starts services that reach each other, and any run given them, by name. Each runs its
   * image's ENTRYPOINT with its command as arguments, and is ready when its `ready` command,
   * run inside the service's own container, exits 0 — retried until `readyTimeoutSeconds`
   * pass (a compose healthcheck) — or, without one, when its port accepts connections.
   * Resolves when every service is ready; throws StepFailed saying which was not.
   */
  startServices(services: readonly ServiceStart<Image>[]): Promise<Services>;
  stopServices(services: Services): Promise<void>;

  /**
   * Pushes a built image to `reference` (its immutable `repository:tag`); returns the
   * digest the tag then holds. An image built for several platforms is pushed as one
   * image index there, each platform's manifest a child of it (carrying the image's
   * labels), the index annotated with them too; the digest is the index's.
   */
  push(image: Image, reference: string): Promise<string>;

  /** Stages a chart by the recipe, runs `helm dependency build` in it, and settles it (Chart.lock and file times). */
  stageChart(stage: ChartStage): Promise<Chart>;
  /**
   * The stage's files written over a chart staged before, its dependencies as they were
   * built (file times the stage's again): the chart that ships carries the dependencies
   * the gates checked, and remote ones are not fetched twice.
   */
  restageChart(chart: Chart, stage: ChartStage): Promise<Chart>;
  /** Runs helm on a staged chart with the arguments `args` gives for the chart's directory; returns its stdout. */
  helm(chart: Chart, args: (chartDir: string) => string[]): Promise<string>;
  /** `helm package` of a staged chart, canonicalised so the same chart always gives the same bytes. */
  packageChart(chart: Chart, fileName: string): Promise<Package>;
  /**
   * `helm push` of a package to `pushTo` (`oci://registry/namespace`), where it becomes
   * `reference` (`repository:tag`); returns the manifest's digest, as `push` does.
   */
  pushChart(pkg: Package, pushTo: string, reference: string): Promise<string>;
  /** Where a package stays once the run ended (a file the user asked for), or undefined when it goes with the run. */
  keptPackage?(pkg: Package): string | undefined;

  /**
   * Signs `subject` (`repository@sha256:…`) with the run's cosign key, no transparency log,
   * where cosign looks for it in `mode` (runRelease decides it per registry): a sigstore
   * bundle as an OCI 1.1 referrer of the subject, or the `repository:sha256-<hex>.sig` tag.
   * Both engines run the same cosignArgs. Throws StepFailed when the run was given no key or cosign fails.
   */
  sign(subject: string, mode: SignatureMode): Promise<void>;
  /**
   * Attests `subject` with the run's cosign key: `predicate` (JSON) as an in-toto statement
   * of `type` (`cosign attest --type`), as a referrer or in the `.att` tag as `mode` says.
   */
  attest(subject: string, type: string, predicate: string, mode: SignatureMode): Promise<void>;
  /** An SBOM of the image `subject`, read from the registry: an SPDX JSON document. */
  sbom(subject: string): Promise<string>;

  /** Removes what the run left (containers, networks, work files). Called once the run ends, however it ends. */
  close(): Promise<void>;
}

export interface ExecOptions<Services> {
  readonly env?: Readonly<Record<string, string>>;
  readonly caches?: readonly CachePlan[];
  readonly services?: Services;
  /** Which of the image's platforms to run (see Engine.exec). */
  readonly platform?: string;
  /** How it builds, in a few words for the progress (`BuildKit (buildx) on linux/amd64`). */
  readonly builder?: string;
}

/** A service to start: its plan, and the image to run (this run's own build, or a reference to pull). */
export interface ServiceStart<Image> {
  readonly service: ServicePlan;
  readonly image: { readonly built: Image } | { readonly reference: string };
}

/** The digest `reference` names in the registry right after `what` pushed it; StepFailed when it is not there. */
export async function pushedDigest(
  client: Pick<RegistryClient, "headManifest">,
  reference: string,
  what: string,
): Promise<string> {
  const at = reference.lastIndexOf(":");
  const digest = (await client.headManifest(reference.slice(0, at), reference.slice(at + 1)))?.digest;
  if (!digest) throw new StepFailed(`${reference} is not in the registry after ${what}`);
  return digest;
}

/** A step's work failed: what went wrong in one line, and the full output to show. */
export class StepFailed extends Error {
  constructor(
    message: string,
    readonly output = "",
    readonly cancelled = false,
  ) {
    super(message);
  }
  static cancelled(): StepFailed {
    return new StepFailed("interrupted", "", true);
  }
}
