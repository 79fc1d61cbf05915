import { createHash } from "node:crypto";
import { DEFAULT_POLICY, type ChartConfig, type Config, type ImageConfig } from "../../src/config/index.js";
import type { RunContext, RunEvent } from "../../src/context/index.js";
import type { Step } from "../../src/pipeline/index.js";
import type { RegistryState, TagRecord } from "../../src/registry/index.js";

export const COMMIT = "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d";
export const OTHER_COMMIT = "ffffeeee0000111122223333444455556666aaaa";

/** A deterministic fake digest for a name: sha256 of it. */
export function digestOf(name: string): string {
  return `sha256:${createHash("sha256").update(name).digest("hex")}`;
}

export function image(name: string, overrides: Partial<ImageConfig> = {}): ImageConfig {
  return {
    name,
    repository: name,
    context: "/project",
    dockerfile: "/project/Dockerfile",
    target: name,
    buildArgs: {},
    platforms: ["linux/amd64"],
    smoke: ["true"],
    ...overrides,
  };
}

export function chart(name: string, version: string, overrides: Partial<ChartConfig> = {}): ChartConfig {
  return {
    path: `/project/chart/${name}`,
    relativePath: `chart/${name}`,
    name,
    version,
    appVersion: "5.0.0",
    repository: "charts",
    pins: [],
    ...overrides,
  };
}

/** A config as `loadConfig` would return it, built in memory: the planner needs no files. */
export function config(overrides: Partial<Config> = {}): Config {
  return {
    file: "/project/charthouse.yaml",
    root: "/project",
    registry: "ghcr.io/samvera",
    plainHttp: false,
    source: "https://github.com/samvera/hyrax",
    images: [image("dassie")],
    charts: [
      chart("hyrax", "3.7.4", {
        pins: [{ image: "dassie", repository: "image.repository", tag: "image.tag", digest: "image.digest" }],
      }),
    ],
    policy: DEFAULT_POLICY,
    ...overrides,
  };
}

export function context(event: RunEvent, overrides: Partial<RunContext> = {}): RunContext {
  return { event, commit: COMMIT, date: "2026-11-24", created: "2026-11-23T18:00:00Z", ci: "local", ...overrides };
}

/** Builds a registry state: `.tag("ghcr.io/samvera/dassie", "5.0.0")` from COMMIT unless told otherwise. */
export class StateBuilder {
  private readonly repos: Record<string, Record<string, TagRecord>> = {};
  tag(repository: string, tag: string, record: Partial<TagRecord> = {}): this {
    (this.repos[repository] ??= {})[tag] = {
      digest: digestOf(`${repository}:${tag}`),
      revision: OTHER_COMMIT,
      ...record,
    };
    return this;
  }
  /** A release and the aliases it holds, as a previous charthouse run would leave them. */
  release(repository: string, version: string, aliases: string[] = [], record: Partial<TagRecord> = {}): this {
    this.tag(repository, version, { version, ...record });
    for (const alias of aliases) this.tag(repository, alias, { ...this.repos[repository]![version] });
    return this;
  }
  build(): RegistryState {
    return { repositories: structuredClone(this.repos) };
  }
}

export const state = (): StateBuilder => new StateBuilder();

/**
 * Three images (a base without smoke test), a suite with a service from this run, two charts: the pipeline's and the
 * step graph's project.
 */
export const threeImageProject = (): Config =>
  config({
    images: [image("hyrax-base", { smoke: undefined }), image("dassie"), image("dassie-worker")],
    test: {
      image: "dassie",
      command: ["rspec"],
      env: {},
      services: [{ name: "solr", image: "dassie", port: 8983, env: {}, readyTimeoutSeconds: 60 }],
      caches: ["/usr/local/bundle"],
    },
    charts: [chart("hyrax", "3.7.4", { pins: [{ image: "dassie", tag: "image.tag" }] }), chart("updater", "0.1.0")],
  });

/**
 * Two images (a base with default target and no smoke test), a suite whose command needs quoting, a chart without
 * appVersion.
 */
export const twoImageProject = (): Config =>
  config({
    images: [image("hyrax-base", { smoke: undefined, target: undefined }), image("dassie")],
    test: {
      image: "dassie",
      command: ["rspec", "--tag", "not fast"],
      env: {},
      services: [{ name: "solr", image: "dassie", port: 8983, env: {}, readyTimeoutSeconds: 60 }],
      caches: [],
    },
    charts: [chart("hyrax", "3.7.4", { appVersion: undefined })],
  });

/** A step as the tests name it: its kind and what it acts on (`move-alias:dassie:latest`). */
export const stepLabel = (s: Step): string => {
  const subject =
    "image" in s ? s.image.name : "chart" in s ? s.chart.name : `${s.move.repository.split("/").pop()}:${s.move.alias}`;
  return `${s.kind}:${subject}`;
};
