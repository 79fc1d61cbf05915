import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { connection, dag } from "@dagger.io/dagger";
import { Charthouse } from "../ci/src/index.js";
import { startRegistry, type LocalRegistry } from "../src/local/index.js";
import { RegistryClient } from "../src/registry/index.js";
import { CANARY, creds, pushImage } from "./helpers/registry.js";
import { exampleProject } from "./helpers/temp-dir.js";
import { startFakeEngine, type FakeEngine } from "./infra/fake-engine.js";
import { startProxy, type Proxy } from "./infra/proxy.js";

// The module's functions run through the real SDK against a FAKE engine that records
// every query; its publishes put real images in a real registry, so the module's alias
// moves (manifest copies through the registry client) are real too.
const SHA = "d".repeat(40);
const IMAGES = ["hyrax-base", "hyrax-worker-base", "dassie", "dassie-worker"];
let registry: LocalRegistry;
let proxy: Proxy;
let engine: FakeEngine;
let project: string;
let timeline: string[];
let namespace = "";
let runs = 0;
const ci = creds("ci", CANARY);

beforeAll(async () => {
  registry = await startRegistry({ kind: "htpasswd", users: { ci: CANARY } });
  proxy = await startProxy(registry.host);
  engine = await startFakeEngine({ moduleSource: new URL("../ci", import.meta.url).pathname });
  process.env.DAGGER_SESSION_PORT = String(engine.port);
  process.env.DAGGER_SESSION_TOKEN = engine.token;
  process.env.CHARTHOUSE_TEST_REGISTRY_TOKEN = CANARY;
});
beforeEach(() => {
  // A namespace of its own per test: each run starts from an empty registry.
  namespace = `samvera${++runs}`;
  project = exampleProject(`${proxy.host}/${namespace}`);
  engine.queries.length = 0;
  engine.effects.length = 0;
  engine.failExec = () => false;
  timeline = [];
  engine.onPublish = async (address, labels) => {
    timeline.push(`publish ${address}`);
    const at = address.lastIndexOf(":");
    return pushImage(proxy.host, address.slice(0, at), address.slice(at + 1), labels, ci);
  };
  proxy.fault = ({ method, path }) => {
    if (method === "PUT" && path.includes("/manifests/")) timeline.push(`PUT ${path}`);
    return { kind: "pass" };
  };
});
afterAll(async () => {
  await engine?.stop();
  await proxy?.stop();
  await registry?.stop();
  delete process.env.DAGGER_SESSION_PORT;
  delete process.env.DAGGER_SESSION_TOKEN;
});

async function publishNightly(opts: { dryRun?: boolean } = {}): Promise<string> {
  let out = "";
  await connection(async () => {
    out = await new Charthouse().publish(
      dag.host().directory(project),
      true,
      "",
      "",
      opts.dryRun ?? false,
      "ci",
      dag.secret("env://CHARTHOUSE_TEST_REGISTRY_TOKEN"),
      SHA,
      "2026-11-24",
    );
  });
  return out;
}

const publishes = () => engine.effects.filter((e) => e.kind === "publish").map((e) => e.detail.address as string);

describe("dagger call publish --nightly, recorded (fake engine)", () => {
  it("builds each Dockerfile target of the plan with its build args and OCI labels", async () => {
    await publishNightly();
    const builds = engine.effects.filter((e) => e.kind === "build").map((e) => e.detail);
    expect(builds.map((b) => b.target)).toEqual(IMAGES);
    for (const b of builds) expect(b).toMatchObject({ context: project, dockerfile: "Dockerfile", platform: "linux/amd64", buildArgs: [] });
    const labels = engine.effects.find((e) => e.kind === "publish")!.detail.labels as Record<string, string>;
    expect(labels).toMatchObject({ "org.opencontainers.image.revision": SHA, "org.opencontainers.image.version": "nightly-20261124" });
  });

  it("publishes exactly the plan's immutable images, then moves every alias after the last of them", async () => {
    let planned: { kind: string; image?: { repository: string; tag: string } }[] = [];
    await connection(async () => {
      const json = await new Charthouse().plan(dag.host().directory(project), true, "", "", false, SHA, "2026-11-24", "charthouse.yaml", "ci", dag.secret("env://CHARTHOUSE_TEST_REGISTRY_TOKEN"));
      planned = JSON.parse(json).steps;
    });
    engine.effects.length = 0;
    const out = await publishNightly();
    const expected = planned.filter((s) => s.kind === "push-image").map((s) => `${s.image!.repository}:${s.image!.tag}`);
    expect(expected).toEqual(IMAGES.map((n) => `${proxy.host}/${namespace}/${n}:nightly-20261124`));
    expect(publishes()).toEqual(expected);
    // The chart is pushed by helm in a container: login and push in one exec.
    const helmPush = engine.effects.filter((e) => e.kind === "exec" && (e.detail.args as string[]).join(" ").includes("helm push"));
    expect(helmPush).toHaveLength(1);
    expect((helmPush[0]!.detail.args as string[])[2]).toMatch(/helm registry login 127\.0\.0\.1:\d+ --username ci --password-stdin --plain-http && helm push \/charts\/hyrax-3\.7\.4-nightly\.20261124\.tgz oci:\/\/127\.0\.0\.1:\d+\/samvera\d+\/charts --plain-http$/);
    const aliasPuts = timeline.filter((t) => /^PUT .*manifests\/nightly$/.test(t));
    expect(aliasPuts).toHaveLength(4);
    const lastPublish = timeline.map((t) => t.startsWith("publish ")).lastIndexOf(true);
    expect(timeline.findIndex((t) => /manifests\/nightly$/.test(t))).toBeGreaterThan(lastPublish);
    const client = new RegistryClient({ credentials: ci });
    for (const n of IMAGES) {
      expect((await client.headManifest(`${proxy.host}/${namespace}/${n}`, "nightly"))?.digest).toBe((await client.headManifest(`${proxy.host}/${namespace}/${n}`, "nightly-20261124"))?.digest);
    }
    expect(out).toContain(`${proxy.host}/${namespace}/dassie:nightly → nightly-20261124`);
  });

  it("runs the test suite with its services bound and its cache volumes mounted", async () => {
    await publishNightly();
    const bindings = engine.effects.filter((e) => e.kind === "service-binding").map((e) => e.detail.alias);
    expect(new Set(bindings)).toEqual(new Set(["solr", "postgres", "redis", "fcrepo"]));
    const caches = engine.effects.filter((e) => e.kind === "cache").map((e) => e.detail);
    expect(caches).toContainEqual({ path: "/app/samvera/.cache", cache: { key: `charthouse-${proxy.host.replace(":", "-")}-${namespace}-app-samvera-.cache` } });
  });

  it("a gate that fails (an exec error from the engine) stops before any publish", async () => {
    engine.failExec = (args) => args.join(" ").includes("test -f APP");
    await expect(publishNightly()).rejects.toThrow(/did not complete successfully/);
    expect(publishes()).toEqual([]);
    expect(timeline).toEqual([]);
  });

  it("--dry-run runs the gates and publishes nothing", async () => {
    const out = await publishNightly({ dryRun: true });
    expect(out).toMatch(/^dry run of nightly 20261124: every gate passed; would publish:/);
    expect(publishes()).toEqual([]);
    expect(engine.effects.some((e) => e.kind === "exec" && (e.detail.args as string[]).includes("lint"))).toBe(true);
  });

  it("the registry password reaches the engine only as a secret reference, never as text in a query", async () => {
    await publishNightly();
    expect(engine.queries.length).toBeGreaterThan(20);
    for (const q of engine.queries) expect(q).not.toContain(CANARY);
    const auth = engine.effects.filter((e) => e.kind === "registry-auth" || e.kind === "secret-variable");
    expect(auth.length).toBeGreaterThan(0);
    for (const a of auth) expect(String(a.detail.secret)).toMatch(/^fake-Secret-\d+$/);
  });
});
