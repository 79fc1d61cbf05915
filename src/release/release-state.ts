import type { Command, Step } from "../pipeline/index.js";
import type { Plan } from "../plan/types.js";
import type { ProjectFiles } from "../project-files/project-files.js";
import type { PlatformManifest, RegistryClient, Secret } from "../registry/index.js";
import type { SignatureMode } from "../signing/index.js";
import type { Engine, EngineTraits } from "./engine.js";
import type { AliasOutcome, SettleOptions } from "./move-alias.js";
import type { Reporter } from "./reporter.js";

/** What a front end asks of a release: the command, the plan, and where to run it. */
export interface ReleaseRequest<Image, Services, Chart, Package> {
  /** publish, build, test, lint or package: runRelease takes the command's steps from the plan. */
  readonly command: Command;
  readonly plan: Plan;
  /** `build --name`: only this image. */
  readonly image?: string;
  readonly engine: Engine<Image, Services, Chart, Package>;
  /** Reads the registry: re-checks before pushes, alias moves, the permissions preflight. */
  readonly client: RegistryClient;
  /** The project's files, for staging charts: rooted where the config's chart paths are relative to. */
  readonly files: ProjectFiles;
  /** Where progress goes: a line per step, the output of a failing step; `secrets` are redacted from all of it. */
  readonly write: (text: string) => void;
  readonly secrets?: readonly (Secret | undefined)[];
  /** Gates only: every step but the pushes and alias moves. */
  readonly dryRun?: boolean;
  /** Told the command's steps (the dry run's included) before anything runs, e.g. to print the plan with them. */
  readonly announce?: (steps: readonly Step[]) => void;
  readonly signal?: AbortSignal;
  readonly settle?: SettleOptions;
  /** The engine holds a cosign key: publish signs and attests what it pushes (the sign-image and sign-chart steps). */
  readonly sign?: boolean;
  /** charthouse's version, the builder its provenance attestations name. */
  readonly builderVersion?: string;
}

export interface Published {
  readonly reference: string;
  readonly digest: string;
  /** An image index's children, one per platform: what a signature of each platform's image names. */
  readonly platforms?: readonly PlatformManifest[];
}

export interface Signed {
  /** The name signed, `repository:tag` or `repository:version`, and the digest it stands for. */
  readonly reference: string;
  readonly digest: string;
  /** Signatures and attestations written by this run (0 and 0: all there already). */
  readonly signatures: number;
  readonly attestations: number;
}

/**
 * The facts one release shares between its phases and steps, as goreleaser's pipes share
 * one context: what was built, staged, packaged, pushed and moved so far. Each phase and
 * step adds what it produced; none keeps state of its own.
 */
export interface ReleaseState<Image, Services, Chart, Package> {
  readonly request: ReleaseRequest<Image, Services, Chart, Package>;
  /** The steps this release walks: the command's, only the gates on a dry run. */
  readonly steps: readonly Step[];
  readonly reporter: Reporter;
  traits: EngineTraits;
  readonly images: Map<string, Image>;
  /** Per image name, the digest its chart pins use: pushed now, or already published from this commit. */
  readonly digests: Map<string, string>;
  readonly staged: Map<string, Chart>;
  readonly packages: Map<string, Package>;
  readonly published: Published[];
  readonly skipped: (Published & { readonly reason: string })[];
  /** Per chart name, the digest of its version in the registry: pushed now, or already published from this commit. */
  readonly chartDigests: Map<string, string>;
  readonly signed: Signed[];
  /** Per registry host, where it keeps signatures (its referrers API probed once, by the first signing step). */
  readonly signatureModes: Map<string, Promise<SignatureMode>>;
  aliases: AliasOutcome[];
  /** The suite's services when they start with the gates (they run no image of this run); the test step takes them. */
  earlyServices: Promise<Services> | undefined;
  /** Service teardowns in flight: the run's end waits for them. */
  readonly stopping: Promise<void>[];
}

export function releaseState<Image, Services, Chart, Package>(
  request: ReleaseRequest<Image, Services, Chart, Package>,
  steps: readonly Step[],
  reporter: Reporter,
): ReleaseState<Image, Services, Chart, Package> {
  const digests = new Map<string, string>();
  for (const image of request.plan.images)
    if (image.publication.action === "skip") digests.set(image.name, image.publication.digest);
  const chartDigests = new Map<string, string>();
  for (const chart of request.plan.charts)
    if (chart.publication.action === "skip") chartDigests.set(chart.name, chart.publication.digest);
  return {
    request,
    steps,
    reporter,
    traits: { sharedBuilds: true },
    images: new Map(),
    digests,
    staged: new Map(),
    packages: new Map(),
    published: [],
    skipped: [],
    chartDigests,
    signed: [],
    signatureModes: new Map(),
    aliases: [],
    earlyServices: undefined,
    stopping: [],
  };
}

/** The handle of an image this release built. */
export function builtImage<Image>(state: ReleaseState<Image, unknown, unknown, unknown>, name: string): Image {
  const image = state.images.get(name);
  if (image === undefined) throw new Error(`bug: image ${name} used before its build step`);
  return image;
}

/** The handle of a chart this release staged. */
export function stagedChart<Chart>(state: ReleaseState<unknown, unknown, Chart, unknown>, name: string): Chart {
  const chart = state.staged.get(name);
  if (chart === undefined) throw new Error(`bug: chart ${name} used before its dependency step`);
  return chart;
}
