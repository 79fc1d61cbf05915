import { projectFilesInMemory } from "../../kit/project-files-in-memory.js";
import { describe, expect, it } from "vitest";
import { commandSteps } from "../../../src/pipeline/index.js";
import type { RegistryClient } from "../../../src/registry/index.js";

import { runRelease, type Engine } from "../../../src/release/index.js";
import { chart, config, image, state } from "../../kit/builders.js";
import { mustPlan } from "../../kit/plan-assertions.js";
import { memoryRegistry, recordingEngine } from "../../kit/recording-engine.js";
import { joined } from "../../kit/regex.js";
import { sha256 } from "../../kit/registry-content.js";

/** The project files a run reads of the hyrax chart: its Chart.yaml and values.yaml. */
const hyraxChart = projectFilesInMemory({
  "chart/hyrax/Chart.yaml": "apiVersion: v2\nname: hyrax\nversion: 3.7.4\n",
  "chart/hyrax/values.yaml": "image: {}\n",
});

const services = [
  { name: "solr", image: "localhost/solr:9", port: 8983, env: {}, readyTimeoutSeconds: 60 },
  { name: "redis", image: "localhost/redis:7", port: 6379, env: {}, readyTimeoutSeconds: 60 },
];
const run = (cfg: ReturnType<typeof config>, engine: Engine<string, string, string, string>) => {
  const plan = mustPlan({ kind: "pull-request", number: 1 }, state().build(), cfg);
  return runRelease({
    plan,
    command: "test",
    engine,
    client: {} as RegistryClient,
    files: projectFilesInMemory({}),
    write: () => undefined,
    dryRun: true,
  });
};

describe("the suite's services", () => {
  it("start with the gates when they run no image of the run, so their start overlaps the builds", async () => {
    const { engine, events } = recordingEngine();
    await run(
      config({
        images: [image("base"), image("dassie")],
        charts: [],
        test: { image: "dassie", command: ["rspec"], env: {}, services, caches: [] },
      }),
      engine,
    );
    expect(events.indexOf("start solr,redis")).toBeLessThan(events.indexOf("built base"));
    expect(events.filter((e) => e.startsWith("start"))).toHaveLength(1);
    expect(events.slice(-4)).toEqual(["run dassie rspec", "stop", "stopped", "close"]);
  });

  it("start after the builds when one runs an image the run builds", async () => {
    const { engine, events } = recordingEngine();
    const own = [
      ...services,
      { name: "worker", image: "ghcr.io/samvera/base:sha-1a2b3c4", port: 3000, env: {}, readyTimeoutSeconds: 60 },
    ];
    const cfg = config({
      images: [image("base"), image("dassie")],
      charts: [],
      test: { image: "dassie", command: ["rspec"], env: {}, services: own, caches: [] },
    });
    const plan = mustPlan({ kind: "pull-request", number: 1 }, state().build(), cfg);
    const worker = plan.test!.services.find((s) => s.name === "worker")!;
    expect(plan.images.map((i) => `${i.repository}:${i.tag}`)).toContain(worker.image);
    await runRelease({
      plan,
      command: "test",
      engine,
      client: {} as RegistryClient,
      files: projectFilesInMemory({}),
      write: () => undefined,
      dryRun: true,
    });
    const start = events.findIndex((e) => e.startsWith("start"));
    expect(events[start]).toBe("start solr,redis,worker=built:base");
    expect(start).toBeGreaterThan(events.indexOf("built dassie"));
  });

  it("a service built from the repository is built for the gate, run by its handle, and never pushed", async () => {
    const { engine, events } = recordingEngine({ registry: memoryRegistry() });
    const search = {
      name: "search",
      build: { context: "/project/search", dockerfile: "/project/search/Dockerfile", target: "core", buildArgs: {} },
      env: {},
      readyTimeoutSeconds: 60,
    };
    const cfg = config({
      images: [image("dassie")],
      charts: [],
      test: { image: "dassie", command: ["rspec"], env: {}, services: [services[0]!, search], caches: [] },
    });
    const plan = mustPlan({ kind: "nightly" }, state().build(), cfg);
    expect(plan.test!.builds.map((b) => [b.name, b.build.context, b.build.target, b.publication.action])).toEqual([
      ["gate/search", "search", "core", "none"],
    ]);
    const steps = commandSteps("publish", plan);
    expect(steps.filter((s) => s.kind === "build").map((s) => s.image.name)).toEqual(["dassie", "gate/search"]);
    expect(steps.some((s) => s.phase !== "gate" && "image" in s && s.image.name === "gate/search")).toBe(false);
    await runRelease({
      plan,
      command: "publish",
      engine,
      client: {} as RegistryClient,
      files: hyraxChart,
      write: () => undefined,
      dryRun: true,
    });
    const start = events.findIndex((e) => e.startsWith("start"));
    expect(events[start]).toBe("start solr,search=built:gate/search");
    expect(start).toBeGreaterThan(events.indexOf("built gate/search"));
    expect(events.filter((e) => e.startsWith("push"))).toEqual([]);
  });

  it("are stopped when a gate before the suite fails", async () => {
    const { engine, events } = recordingEngine({ failBuild: "dassie" });
    await expect(
      run(
        config({
          images: [image("base"), image("dassie")],
          charts: [],
          test: { image: "dassie", command: ["rspec"], env: {}, services, caches: [] },
        }),
        engine,
      ),
    ).rejects.toThrow(/gate failed: build dassie/);
    expect(events).toContain("start solr,redis");
    expect(events.slice(-3)).toEqual(["stop", "stopped", "close"]);
    expect(events.some((e) => e.startsWith("run dassie rspec"))).toBe(false);
  });

  it("are stopped beside the pushes once the suite passed, and before the run ends", async () => {
    const registry = memoryRegistry();
    const { engine, events } = recordingEngine({ registry });
    const cfg = config({
      images: [image("base"), image("dassie")],
      charts: [],
      test: { image: "dassie", command: ["rspec"], env: {}, services, caches: [] },
    });
    const plan = mustPlan({ kind: "push", branch: "main" }, state().build(), cfg);
    await runRelease({
      plan,
      command: "publish",
      engine,
      client: registry.client,
      files: projectFilesInMemory({}),
      write: () => undefined,
      settle: { settleMs: 1, rounds: 1 },
    });
    const firstPush = events.findIndex((e) => e.startsWith("push"));
    expect(events.indexOf("stop")).toBeGreaterThan(events.indexOf("run dassie rspec"));
    expect(firstPush).toBeGreaterThan(events.indexOf("stop"));
    // Teardown is no gate: the pushes do not wait for it, the run does.
    expect(firstPush).toBeLessThan(events.indexOf("stopped"));
    expect(events.indexOf("stopped")).toBeLessThan(events.indexOf("close"));
  });

  it("the suite runs once its image is built and smoke-tested, beside the builds of the images after it", async () => {
    const { engine, events } = recordingEngine();
    await run(
      config({
        images: [image("base"), image("dassie"), image("worker")],
        charts: [],
        test: { image: "dassie", command: ["rspec"], env: {}, services, caches: [] },
      }),
      engine,
    );
    const suite = events.indexOf("run dassie rspec");
    expect(suite).toBeGreaterThan(events.findIndex((e) => e.startsWith("run dassie") && e !== "run dassie rspec"));
    expect(suite).toBeLessThan(events.indexOf("built worker"));
  });

  it("the result lists the steps in the plan's order, however they finished", async () => {
    const { engine, events } = recordingEngine();
    const cfg = config({
      images: [image("base"), image("dassie")],
      charts: [chart("hyrax", "3.7.4")],
      test: { image: "dassie", command: ["rspec"], env: {}, services, caches: [] },
    });
    const plan = mustPlan({ kind: "pull-request", number: 1 }, state().build(), cfg);
    const steps = commandSteps("test", plan);
    const { result } = await runRelease({
      command: "test",
      plan,
      engine,
      client: {} as RegistryClient,
      files: hyraxChart,
      write: () => undefined,
      dryRun: true,
    });
    // The chart's gates finished while the first build still ran.
    expect(events.indexOf("stage chart/hyrax")).toBeLessThan(events.indexOf("built base"));
    expect(result.steps.map((s) => s.kind)).toEqual(steps.map((s) => s.kind));
  });

  it("builds go one at a time on an engine that shares no stages between builds", async () => {
    const { engine, events } = recordingEngine();
    await run(config({ images: [image("base"), image("dassie")], charts: [], test: undefined }), engine);
    const builds = events.filter((e) => e.startsWith("build") || e.startsWith("built"));
    expect(builds).toEqual(["build base", "built base", "build dassie", "built dassie"]);
  });
});

describe("the permissions preflight", () => {
  it("asks every repository at once: against a distant registry each question is a round trip or three", async () => {
    const registry = memoryRegistry();
    const { engine } = recordingEngine({ registry });
    const plan = mustPlan(
      { kind: "push", branch: "main" },
      state().build(),
      config({ images: [image("base"), image("dassie")], charts: [], test: undefined }),
    );
    await runRelease({
      plan,
      command: "publish",
      engine,
      client: registry.client,
      files: projectFilesInMemory({}),
      write: () => undefined,
      settle: { settleMs: 1, rounds: 1 },
    });
    expect(registry.checks.asked).toHaveLength(2);
    expect(registry.checks.most).toBe(2);
  });

  it("refuses before anything is built, in the words charthouse check --online uses", async () => {
    const registry = memoryRegistry();
    const refusing = {
      ...registry.client,
      checkPush: async (repository: string) => ({
        ok: !repository.endsWith("/dassie"),
        scope: `repository:${repository}:push`,
        detail: "pull only",
      }),
    } as unknown as RegistryClient;
    const { engine, events } = recordingEngine({ registry });
    const plan = mustPlan(
      { kind: "push", branch: "main" },
      state().build(),
      config({ images: [image("base"), image("dassie")], charts: [], test: undefined }),
    );
    const run = runRelease({
      plan,
      command: "publish",
      engine,
      client: refusing,
      files: projectFilesInMemory({}),
      write: () => undefined,
    });
    await expect(run).rejects.toThrow(
      "the registry credentials may not push to ghcr.io/samvera/dassie: " +
        "grant them repository:ghcr.io/samvera/dassie:push " +
        "(for ghcr.io: a token with write:packages, and the package's Manage Actions access for the repository), " +
        "then run again; nothing was built or pushed",
    );
    expect(events.filter((e) => e.startsWith("build"))).toEqual([]);
  });
});

describe("the charts", () => {
  it("are packaged from the staging the gates checked, the pins written over it: dependencies built once", async () => {
    const registry = memoryRegistry();
    const { engine, events } = recordingEngine({ registry });
    const pins = [{ image: "dassie", repository: "image.repository", tag: "image.tag", digest: "image.digest" }];
    const plan = mustPlan(
      { kind: "nightly" },
      state().build(),
      config({ images: [image("dassie")], charts: [chart("hyrax", "3.7.4", { pins })], test: undefined }),
    );
    await runRelease({
      plan,
      command: "publish",
      engine,
      client: registry.client,
      files: hyraxChart,
      write: () => undefined,
      settle: { settleMs: 1, rounds: 1 },
    });
    expect(events.filter((e) => e.startsWith("stage") || e.startsWith("restage"))).toEqual([
      "stage chart/hyrax",
      "restage chart chart/hyrax/Chart.yaml,chart/hyrax/values.yaml",
    ]);
    expect(events.indexOf("restage chart chart/hyrax/Chart.yaml,chart/hyrax/values.yaml")).toBeGreaterThan(
      events.findIndex((e) => e.startsWith("push ")),
    );
  });
});

describe("an image built for several platforms", () => {
  const multi = () =>
    mustPlan(
      { kind: "nightly" },
      state().build(),
      config({ images: [image("dassie", { platforms: ["linux/amd64", "linux/arm64"] })], charts: [], test: undefined }),
    );

  it(
    "is smoke-tested on each platform, the line saying which ran emulated; the result names the index and each " +
      "platform's manifest",
    async () => {
      const registry = memoryRegistry();
      const { engine, events } = recordingEngine({ registry, platform: "linux/amd64" });
      const plan = multi();
      const lines: string[] = [];
      const { result } = await runRelease({
        command: "publish",
        plan,
        engine,
        client: registry.client,
        files: projectFilesInMemory({}),
        write: (t) => lines.push(t),
        settle: { settleMs: 1, rounds: 1 },
      });
      expect(events.filter((e) => e.startsWith("run"))).toEqual([
        "run dassie true on linux/amd64",
        "run dassie true on linux/arm64",
      ]);
      const output = lines.join("");
      expect(output).toMatch(/smoke-test dassie on linux\/amd64: true … ok \d+\.\ds\n/);
      expect(output).toMatch(/smoke-test dassie on linux\/arm64: true … ok \d+\.\ds \(emulated on linux\/amd64\)\n/);
      const reference = "ghcr.io/samvera/dassie:nightly-20261124";
      expect(result.published).toEqual([
        {
          reference,
          digest: sha256(reference),
          platforms: [
            { platform: "linux/amd64", digest: sha256(`${reference} linux/amd64`) },
            { platform: "linux/arm64", digest: sha256(`${reference} linux/arm64`) },
          ],
        },
      ]);
    },
  );

  it("whose pushed tag lacks one of its platforms fails the push: no alias moves", async () => {
    const registry = memoryRegistry();
    const { engine, events } = recordingEngine({ registry, platform: "linux/amd64", pushedPlatforms: ["linux/amd64"] });
    const plan = multi();
    const run = runRelease({
      command: "publish",
      plan,
      engine,
      client: registry.client,
      files: projectFilesInMemory({}),
      write: () => undefined,
      settle: { settleMs: 1, rounds: 1 },
    });
    await expect(run).rejects.toThrow(
      joined(
        /publish failed: push ghcr.io\/samvera\/dassie:nightly-20261124: /,
        /.* is not an image index holding linux\/arm64 after the push.*No alias was moved/,
      ),
    );
    expect(await registry.client.headManifest("ghcr.io/samvera/dassie", "nightly")).toBeNull();
    expect(events.at(-1)).toBe("close");
  });
});
