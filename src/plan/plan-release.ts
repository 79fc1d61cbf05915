import { posix, sep } from "node:path";
import type { ChartConfig, Config, ImageConfig, ServiceBuildConfig } from "../config/types.js";
import type { RunContext } from "../context/types.js";
import { planAliasMoves } from "./aliases.js";
import {
  aliasForBranch,
  NIGHTLY_ALIAS,
  nightlyTag,
  prereleaseChartVersion,
  releaseAliases,
  shaTag,
  versionToTag,
} from "./formats.js";
import { chartReleaseProblem, nightlyChartVersion } from "./chart-version.js";
import { schemeOf, type VersionScheme } from "./version-schemes.js";
import { decideImmutable } from "./immutability.js";
import { ociAnnotations } from "./labels.js";
import { recordOf, tagsOf } from "./registry-state.js";
import { describeTrigger, resolveTrigger, type Trigger } from "./trigger.js";
import type { AliasMove, AliasRank, ChartPlan, ImagePlan, Plan, PlanResult, Publication, TestPlan } from "./types.js";
import type { RegistryState } from "../registry/types.js";

export interface PlanInput {
  readonly config: Config;
  readonly context: RunContext;
  /** What the registry holds now, for the repositories the run publishes to. */
  readonly state: RegistryState;
}

/**
 * The release plan: from config, the run's facts and the registry's state to exactly
 * what is built, which gates run, and what is published in which order. Pure: the
 * date and the registry come in as arguments; every refusal is reported at once.
 */
export function planRelease({ config, context, state }: PlanInput): PlanResult {
  const resolved = resolveTrigger(config, context);
  if (!resolved.ok) return { ok: false, refusals: [resolved.reason] };
  const trigger = resolved.trigger;
  const refusals: string[] = [];
  const source = config.source ?? context.source;
  const tag = imageTagFor(trigger, context.commit);

  const images: ImagePlan[] = [];
  const aliases: AliasMove[] = [];
  if (trigger.kind !== "chart-release") {
    for (const image of config.images) {
      const planned = planImage(image, { config, context, state, trigger, tag, source, refusals });
      images.push(planned.image);
      aliases.push(...planned.aliases);
    }
  }

  const charts = config.charts
    .filter((chart) => trigger.kind !== "chart-release" || chart.name === trigger.chart)
    .flatMap((chart) => planChart(chart, { config, context, state, trigger, images, source, refusals }));

  if (refusals.length) return { ok: false, refusals };

  const plan: Plan = {
    version: 1,
    context,
    registry: config.registry,
    summary: describeTrigger(trigger),
    images,
    ...(config.test && trigger.kind !== "chart-release"
      ? { test: planTest(config, images, { tag, source, context }) }
      : {}),
    charts,
    aliases,
    warnings:
      config.images.length === 0 && config.charts.length === 0
        ? ["charthouse.yaml declares no images and no charts: nothing to build or publish"]
        : [],
  };
  return { ok: true, plan };
}

interface Facts {
  readonly config: Config;
  readonly context: RunContext;
  readonly state: RegistryState;
  readonly trigger: Trigger;
  readonly source?: string;
  readonly refusals: string[];
}

/** The one immutable tag every image of this run gets. */
function imageTagFor(trigger: Trigger, commit: string): string {
  switch (trigger.kind) {
    case "nightly":
      return nightlyTag(trigger.stamp);
    case "release":
      return trigger.version;
    default:
      return shaTag(commit);
  }
}

/** Moving tags of an image for this trigger, with how to rank them against a racing run. */
function imageAliases(
  trigger: Trigger,
  context: RunContext,
  tags: Iterable<string>,
  scheme: VersionScheme,
): { names: string[]; rank: AliasRank } | undefined {
  switch (trigger.kind) {
    case "nightly":
      return { names: [NIGHTLY_ALIAS], rank: { scheme: "nightly", date: trigger.stamp } };
    case "release":
      return {
        names: releaseAliases(trigger.version, tags, scheme),
        rank: { scheme: scheme.name, version: trigger.version },
      };
    case "branch":
      return trigger.isDefault
        ? { names: [aliasForBranch(trigger.branch)], rank: { scheme: "commit-time", created: context.created } }
        : undefined;
    default:
      return undefined;
  }
}

function publishesImages(trigger: Trigger): boolean {
  return trigger.kind === "nightly" || trigger.kind === "release" || (trigger.kind === "branch" && trigger.isDefault);
}

function planImage(image: ImageConfig, facts: Facts & { tag: string }): { image: ImagePlan; aliases: AliasMove[] } {
  const { config, context, state, trigger, tag, source, refusals } = facts;
  const repository = `${config.registry}/${image.repository}`;
  const tags = tagsOf(state, repository);
  let publication: Publication = { action: "none" };
  let aliases: AliasMove[] = [];
  if (publishesImages(trigger)) {
    const kind = trigger.kind === "nightly" ? "nightly" : trigger.kind === "release" ? "release" : "commit";
    const decision = decideImmutable(`${repository}:${tag}`, recordOf(tags, tag, repository), context.commit, kind);
    if (decision.action === "refuse") refusals.push(decision.reason);
    else publication = decision;
    const moving = imageAliases(trigger, context, Object.keys(tags), schemeOf(config.policy));
    if (moving && decision.action !== "refuse") {
      aliases = planAliasMoves(
        repository,
        tag,
        moving.names,
        moving.rank,
        tags,
        decision.action === "skip" ? decision.digest : undefined,
      );
    }
  }
  return {
    image: {
      name: image.name,
      repository,
      tag,
      build: {
        context: projectPath(config.root, image.context),
        dockerfile: projectPath(config.root, image.dockerfile),
        ...(image.target ? { target: image.target } : {}),
        buildArgs: image.buildArgs,
        platforms: image.platforms,
      },
      labels: ociAnnotations({ source, revision: context.commit, version: tag, created: context.created }),
      ...(image.smoke ? { smoke: image.smoke } : {}),
      publication,
    },
    aliases,
  };
}

function planChart(chart: ChartConfig, facts: Facts & { images: readonly ImagePlan[] }): ChartPlan[] {
  const { config, context, state, trigger, images, source, refusals } = facts;
  const repository = `${config.registry}/${chart.repository}/${chart.name}`;
  const tags = tagsOf(state, repository);
  const published = Object.keys(tags);
  const scheme = schemeOf(config.policy);
  const version = chartVersionFor(chart, trigger, published, scheme);
  const fromRelease = chart.versionFrom === "release";
  if (fromRelease && trigger.kind === "release" && scheme.notChartVersion) {
    refusals.push(
      `chart ${chart.name} takes its version from the release (versionFrom: release), but ${scheme.notChartVersion}; ` +
        "remove versionFrom from charthouse.yaml to publish Chart.yaml's version",
    );
    return [];
  }
  let appVersion = chart.appVersion;
  let publishes = true;
  switch (trigger.kind) {
    case "nightly":
      appVersion = nightlyTag(trigger.stamp);
      break;
    case "release":
      appVersion = trigger.version;
      break;
    case "chart-release":
      if (!fromRelease && trigger.version !== chart.version) {
        refusals.push(
          `tag releases chart ${chart.name} ${trigger.version}, but ${chart.relativePath}/Chart.yaml says version ` +
            `${chart.version}; set version: ${trigger.version} there, commit, and tag again`,
        );
        return [];
      }
      break;
    default:
      publishes = false;
  }

  let publication: Publication = { action: "none" };
  if (publishes) {
    const problem = chartReleaseProblem(chart.name, version, chart.relativePath);
    const decision = decideImmutable(
      `${repository}:${version}`,
      recordOf(tags, versionToTag(version), repository),
      context.commit,
      trigger.kind === "nightly" ? "nightly" : "release",
    );
    if (decision.action === "refuse") refusals.push(decision.reason);
    else if (decision.action === "push" && problem && trigger.kind !== "nightly") refusals.push(problem);
    else publication = decision;
  }

  const byName = new Map(images.map((i) => [i.name, i]));
  const pins = chart.pins.flatMap((pin) => {
    const image = byName.get(pin.image);
    if (!image) return []; // a chart-only release rebuilds no image: values stay as committed
    const digest = image.publication.action === "skip" ? image.publication.digest : undefined;
    return [
      {
        image: image.name,
        repository: image.repository,
        tag: image.tag,
        ...(digest ? { digest } : {}),
        keys: { repository: pin.repository, tag: pin.tag, digest: pin.digest },
      },
    ];
  });

  return [
    {
      name: chart.name,
      relativePath: chart.relativePath,
      repository,
      pushTo: `oci://${config.registry}/${chart.repository}`,
      version,
      ...(appVersion !== undefined ? { appVersion } : {}),
      annotations: ociAnnotations({ source, revision: context.commit, version, created: context.created }),
      pins,
      publication,
    },
  ];
}

function planTest(
  config: Config,
  images: readonly ImagePlan[],
  facts: { tag: string; source?: string; context: RunContext },
): TestPlan {
  const test = config.test!;
  const refOf = (name: string): string | undefined => {
    const image = images.find((i) => i.name === name);
    return image && `${image.repository}:${image.tag}`;
  };
  // A service runs beside the suite: built for the platform the suite's image runs on first.
  const platform = images.find((i) => i.name === test.image)?.build.platforms[0] ?? "linux/amd64";
  const builds = test.services.flatMap((s) =>
    s.build ? [planGateImage(config, s.name, s.build, { ...facts, platform })] : [],
  );
  return {
    image: test.image,
    command: test.command,
    env: test.env,
    services: test.services.map(({ build, ...s }) => {
      const gate = build ? builds.find((b) => b.name === gateImageName(s.name))! : undefined;
      return { ...s, image: gate ? `${gate.repository}:${gate.tag}` : (refOf(s.image!) ?? s.image!) };
    }),
    builds,
    caches: test.caches.map((path) => ({ path, key: cacheKey(config.registry, path) })),
  };
}

/** A service's image built for the gate: the name no image of the config can have (names hold no `/`). */
export function gateImageName(service: string): string {
  return `gate/${service}`;
}

/**
 * The image a service builds from the repository: built and run for the suite, never pushed (its publication is
 * none, and its repository is on `localhost`, under the project's registry path so two projects' gates on one
 * engine do not share a name; a port's ':' becomes '-').
 */
function planGateImage(
  config: Config,
  service: string,
  build: ServiceBuildConfig,
  facts: { tag: string; source?: string; context: RunContext; platform: string },
): ImagePlan {
  return {
    name: gateImageName(service),
    // A registry's port would put ':' into a path part, which no reference allows.
    repository: `localhost/charthouse-gate/${config.registry.replace(/:/g, "-")}/${service}`,
    tag: facts.tag,
    build: {
      context: projectPath(config.root, build.context),
      dockerfile: projectPath(config.root, build.dockerfile),
      ...(build.target ? { target: build.target } : {}),
      buildArgs: build.buildArgs,
      platforms: [facts.platform],
    },
    labels: ociAnnotations({
      source: facts.source,
      revision: facts.context.commit,
      version: facts.tag,
      created: facts.context.created,
    }),
    publication: { action: "none" },
  };
}

/**
 * A path of the project as the plan carries it: relative to the project (POSIX), so a plan reads the same on every
 * machine.
 */
function projectPath(root: string, path: string): string {
  return posix.relative(root.split(sep).join("/"), path.split(sep).join("/")) || ".";
}

/**
 * `ghcr.io/samvera` + `/usr/local/bundle` → `charthouse-ghcr.io-samvera-usr-local-bundle`: stable, and nothing of the
 * run's date or secrets.
 */
export function cacheKey(registry: string, path: string): string {
  return `charthouse-${`${registry}${path}`.replace(/[^A-Za-z0-9_.-]+/g, "-").replace(/-+$/, "")}`;
}

/**
 * The version a chart gets in this run: a nightly prerelease above every release; a release candidate's prerelease;
 * else Chart.yaml's. A chart whose version comes from the release (`versionFrom: release`) ignores Chart.yaml's: a
 * release gives its own version as the scheme writes it for a chart (`10.0` → `10.0.0`), a chart release its tag's,
 * a nightly a prerelease above the highest published release (`4.4.1-nightly.YYYYMMDD` after 4.4.0).
 */
function chartVersionFor(
  chart: ChartConfig,
  trigger: Trigger,
  publishedTags: readonly string[],
  scheme: VersionScheme,
): string {
  const fromRelease = chart.versionFrom === "release";
  if (trigger.kind === "nightly")
    return nightlyChartVersion(fromRelease ? NO_RELEASE : chart.version, publishedTags, trigger.stamp);
  if (trigger.kind === "release") {
    if (!fromRelease) return prereleaseChartVersion(chart.version, trigger.version, scheme);
    const version = scheme.parse(trigger.version);
    return version && scheme.chartVersion ? scheme.chartVersion(version) : trigger.version;
  }
  if (trigger.kind === "chart-release" && fromRelease) return trigger.version;
  return chart.version;
}

/** The base of a nightly chart whose version comes from releases, before any: every release sorts above it. */
const NO_RELEASE = "0.0.0";

/**
 * The tags whose digest and revision the plan for this run reads, per repository,
 * given only the tag names the registry lists: the run's immutable tags and the aliases
 * it would move. A state reader inspects just these instead of every tag.
 */
export function inspectionTargets(
  config: Config,
  context: RunContext,
  tagNames: ReadonlyMap<string, readonly string[]>,
): Map<string, string[]> {
  const targets = new Map<string, string[]>();
  const resolved = resolveTrigger(config, context);
  if (!resolved.ok) return targets;
  const trigger = resolved.trigger;
  const tag = imageTagFor(trigger, context.commit);
  if (trigger.kind !== "chart-release" && publishesImages(trigger)) {
    for (const image of config.images) {
      const repository = `${config.registry}/${image.repository}`;
      const names = tagNames.get(repository) ?? [];
      targets.set(repository, [tag, ...(imageAliases(trigger, context, names, schemeOf(config.policy))?.names ?? [])]);
    }
  }
  for (const chart of config.charts) {
    const repository = `${config.registry}/${chart.repository}/${chart.name}`;
    const names = tagNames.get(repository) ?? [];
    targets.set(repository, [versionToTag(chartVersionFor(chart, trigger, names, schemeOf(config.policy)))]);
  }
  return targets;
}
