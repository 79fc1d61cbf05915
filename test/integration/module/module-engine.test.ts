import { readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_MODULE } from "../../../src/cli/commands/init.js";
import { blueprintConfig } from "../../../src/init/init-project.js";
import { RegistryClient } from "../../../src/registry/index.js";
import { introspect, type Fn } from "../../kit/introspect-module.js";
import {
  execs,
  harnessCredentials,
  publishes,
  returnedValue,
  useModuleHarness,
  type DaggerCall,
} from "../../kit/module-harness.js";
import { CANARY } from "../../kit/registry-content.js";
import { exampleProject, tempTree } from "../../kit/temp-dir.js";
import { removeStage, stageModule, type StagedModule } from "../../kit/module-runtime/stage.js";
import { joined } from "../../kit/regex.js";

// The Dagger module run the way the engine runs it, as far as that can be without an
// engine: staged with only dagger.json and ci/ (the SDK and the bundled TypeScript where
// the runtime mounts them), the SDK's own entrypoint under the engine's tsx, talking to a
// FAKE engine (a recording GraphQL server) that answers currentModule and
// currentFunctionCall and records what the module hands back. Its publishes put real
// images into a real registry, so alias moves (manifest copies) are real.
const SHA = "d".repeat(40);
const IMAGES = ["hyrax-base", "hyrax-worker-base", "dassie", "dassie-worker"];
const ci = harnessCredentials;
const harness = useModuleHarness();
let stage: StagedModule;
let runs = 0;
beforeAll(async () => {
  stage = await stageModule();
});
afterAll(() => removeStage(stage));

/** The call on a copy of examples/hyrax publishing to a namespace of its own. */
type Call = DaggerCall & { readonly project: string; readonly namespace: string };
const proxy = {
  get host() {
    return harness.host();
  },
};

async function daggerCall(
  fn: string,
  args: Record<string, unknown>,
  opts: { failExec?: (args: string[]) => boolean; failStderr?: string; adopter?: boolean; under?: string } = {},
): Promise<Call> {
  const namespace = `samvera${++runs}`;
  let project = exampleProject(`${harness.host()}/${namespace}`);
  // A repository keeping its charthouse.yaml (and what it names) in a folder: the source is the folder's parent.
  if (opts.under) {
    const source = tempTree();
    renameSync(project, join(source, opts.under));
    project = source;
  }
  // An adopting repository: its dagger.json (what `charthouse init` writes) makes charthouse its blueprint.
  if (opts.adopter) writeFileSync(join(project, "dagger.json"), blueprintConfig("hyrax", DEFAULT_MODULE));
  const call = await harness.call(fn, { source: project, ...args }, (engine) => {
    if (opts.failExec) engine.failExec = opts.failExec;
    if (opts.failStderr !== undefined) engine.failStderr = opts.failStderr;
  });
  return { ...call, project, namespace };
}

const value = returnedValue;
const credentials = { registryUsername: "ci", registryPassword: "env://CHARTHOUSE_TEST_REGISTRY_TOKEN" };

describe("the module as the engine stages it", () => {
  it("holds only dagger.json and the module source, and nothing the runtime imports reaches outside it", () => {
    expect(readdirSync(stage.root).sort()).toEqual(["ci", "dagger.json"]);
    const src = join(stage.moduleDir, "src");
    // Every .ts/.mts the runtime's entrypoint imports, declaration files included.
    const imported = readdirSync(src, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && /\.m?ts$/.test(e.name))
      .map((e) => join(e.parentPath, e.name));
    expect(imported.length).toBeGreaterThan(1);
    for (const file of imported) {
      // TypeScript's own scan of a file's imports (static, dynamic, re-exports, type-only).
      for (const { fileName: spec } of ts.preProcessFile(readFileSync(file, "utf8"), true, true).importedFiles) {
        if (!spec.startsWith(".")) {
          expect(spec, `${file} imports ${spec}`).toMatch(/^(@dagger\.io\/dagger|node:)/);
          continue;
        }
        const target = resolve(file, "..", spec);
        expect(
          relative(stage.moduleDir, target).startsWith(".."),
          `${relative(stage.root, file)} imports ${spec}, outside the module source`,
        ).toBe(false);
      }
    }
  });

  it(
    "a cold load installs nothing from the registry: TypeScript is pinned to the runtime's bundled version and " +
      "nothing else is a dependency",
    () => {
      expect(stage.packageJson.dependencies).toEqual({ typescript: "5.9.3" });
      expect(stage.install).toBeUndefined();
    },
  );
});

describe("registration: the type definitions the SDK's entrypoint hands the engine", () => {
  let functions: Record<string, Fn>;
  let construct: Fn;
  let description: string | undefined;
  beforeAll(async () => {
    ({ functions, construct, description } = await introspect());
  });

  it("exposes exactly plan, build, test, lint, package and publish, each and every argument documented", () => {
    expect(Object.keys(functions).sort()).toEqual(["build", "lint", "package", "plan", "publish", "test"]);
    for (const fn of Object.values(functions)) {
      expect(fn.description.length, `${fn.name} has no doc comment`).toBeGreaterThan(20);
      for (const arg of Object.values(fn.arguments))
        expect(arg.description.length, `${fn.name}(${arg.name}) is undocumented`).toBeGreaterThan(5);
    }
    for (const arg of Object.values(construct.arguments))
      expect(arg.description.length, `the constructor's ${arg.name} is undocumented`).toBeGreaterThan(5);
    expect(description).toMatch(/^charthouse: build, test and publish/);
  });

  it("never caches what reads the registry or pushes; per session what reads the clock; caches the gates", () => {
    const policies = Object.fromEntries(
      Object.values(functions).map((f) => [f.name, f.cachePolicy?.policy ?? "unset"]),
    );
    expect(policies).toEqual({
      plan: "Never",
      publish: "Never",
      build: "PerSession",
      package: "PerSession",
      test: "Default",
      lint: "Default",
    });
  });

  it("offers the gates, test and lint, to `dagger check`, and nothing else", () => {
    expect(
      Object.values(functions)
        .filter((f) => f.check)
        .map((f) => f.name)
        .sort(),
    ).toEqual(["lint", "test"]);
    // A check runs with no arguments: every argument has a default.
    for (const name of ["lint", "test"])
      for (const arg of Object.values(functions[name]!.arguments))
        expect(arg.isOptional, `${name}(${arg.name})`).toBe(true);
    for (const arg of Object.values(construct.arguments)) expect(arg.isOptional, `constructor(${arg.name})`).toBe(true);
  });

  it("declares the source, the config and the commit once, in the constructor: `dagger call [--sha C] publish`", () => {
    expect(Object.keys(construct.arguments)).toEqual(["source", "config", "sha"]);
    for (const fn of Object.values(functions))
      expect(
        Object.keys(fn.arguments).filter((a) => a in construct.arguments),
        fn.name,
      ).toEqual([]);
    expect(construct.arguments.sha).toMatchObject({ type: { kind: "STRING" }, defaultValue: '""' });
  });

  it("makes `dagger call publish --nightly` a valid call with the documented arguments and defaults", () => {
    const publish = functions.publish!;
    expect(Object.keys(publish.arguments)).toEqual([
      "nightly",
      "tag",
      "branch",
      "dryRun",
      "registryUsername",
      "registryPassword",
      "date",
      "signingKey",
      "signingPassword",
      "gpgKeyring",
      "gpgKey",
      "gpgPassphrase",
    ]);
    expect(construct.arguments.source).toMatchObject({
      type: { kind: "OBJECT_KIND", name: "Directory" },
      defaultPath: "/",
    });
    expect(construct.arguments.source!.ignore).toEqual(
      expect.arrayContaining(["**/node_modules", "**/dist", ".git/logs"]),
    );
    // git's objects stay: the module reads the commit's time from them.
    expect(construct.arguments.source!.ignore).not.toContain(".git/objects");
    expect(publish.arguments.nightly).toMatchObject({ type: { kind: "BOOLEAN" }, defaultValue: "false" });
    expect(publish.arguments.dryRun).toMatchObject({ type: { kind: "BOOLEAN" }, defaultValue: "false" });
    expect(publish.arguments.tag).toMatchObject({ type: { kind: "STRING" }, defaultValue: '""' });
    expect(construct.arguments.config).toMatchObject({ type: { kind: "STRING" }, defaultValue: '"charthouse.yaml"' });
    // The password is a Secret end to end: never a string argument.
    expect(publish.arguments.registryPassword).toMatchObject({
      type: { kind: "OBJECT_KIND", name: "Secret", optional: true },
    });
    // The signing key and its password are Secrets too: never a string argument a process list shows.
    expect(publish.arguments.signingKey).toMatchObject({
      type: { kind: "OBJECT_KIND", name: "Secret", optional: true },
    });
    expect(publish.arguments.signingPassword).toMatchObject({
      type: { kind: "OBJECT_KIND", name: "Secret", optional: true },
    });
    // helm provenance as the CLI names it (--gpg-keyring, --gpg-key): the keyring and its passphrase Secrets too.
    for (const name of ["gpgKeyring", "gpgPassphrase"])
      expect(publish.arguments[name], name).toMatchObject({
        type: { kind: "OBJECT_KIND", name: "Secret", optional: true },
      });
    expect(publish.arguments.gpgKey).toMatchObject({ type: { kind: "STRING" }, defaultValue: '""' });
    expect(publish.returnType).toMatchObject({ kind: "STRING" });
    expect(functions.package!.returnType).toMatchObject({ kind: "OBJECT_KIND", name: "Directory" });
    expect(functions.build!.returnType).toMatchObject({
      kind: "LIST_KIND",
      elementType: { kind: "OBJECT_KIND", name: "Container" },
    });
  });

  it("takes no secret as a plain string anywhere", () => {
    for (const fn of [...Object.values(functions), construct]) {
      for (const arg of Object.values(fn.arguments)) {
        if (/password|passphrase|keyring|token|secret/i.test(arg.name))
          expect(arg.type, `${fn.name}(${arg.name})`).toMatchObject({ name: "Secret" });
      }
    }
  });
});

describe("invocation: `dagger call publish --nightly` via the SDK's entrypoint (fake engine, real registry)", () => {
  let call: Call;
  beforeAll(async () => {
    call = await daggerCall("publish", { nightly: true, sha: SHA, date: "2026-11-24", ...credentials });
  });

  it("returns what it published, reaching nothing outside loopback", () => {
    expect(call.run.code, `${JSON.stringify(call.returned)}\n${call.run.output}`).toBe(0);
    expect(call.run.offLoopback).toEqual([]);
    expect(value(call)).toContain(`${proxy.host}/${call.namespace}/dassie:nightly → nightly-20261124`);
  });

  it("builds each Dockerfile target of the plan with its build args and OCI labels", () => {
    const builds = call.effects.filter((e) => e.kind === "build").map((e) => e.detail);
    expect(builds.map((b) => b.target)).toEqual(IMAGES);
    for (const b of builds)
      expect(b).toMatchObject({
        context: call.project,
        dockerfile: "Dockerfile",
        platform: "linux/amd64",
        buildArgs: [],
      });
    const labels = call.effects.find((e) => e.kind === "publish")!.detail.labels as Record<string, string>;
    expect(labels).toMatchObject({
      "org.opencontainers.image.revision": SHA,
      "org.opencontainers.image.version": "nightly-20261124",
    });
  });

  it("publishes exactly the immutable images and the chart (helm); every alias moves after the last push", async () => {
    // Pushed side by side: in any order.
    expect(publishes(call).sort()).toEqual(
      IMAGES.map((n) => `${proxy.host}/${call.namespace}/${n}:nightly-20261124`).sort(),
    );
    const helmPush = execs(call).filter((e) => e.includes("helm push"));
    expect(helmPush).toHaveLength(1);
    expect(helmPush[0]).toMatch(
      joined(
        /helm registry login 127\.0\.0\.1:\d+ --username ci --password-stdin --plain-http && helm push /,
        /\/charts\/hyrax-3\.7\.4-nightly\.20261124\.tgz oci:\/\/127\.0\.0\.1:\d+\/samvera\d+\/charts --plain-http$/,
      ),
    );
    expect(call.timeline.filter((t) => /^PUT .*manifests\/nightly$/.test(t))).toHaveLength(4);
    const lastPublish = call.timeline.map((t) => t.startsWith("publish ")).lastIndexOf(true);
    expect(call.timeline.findIndex((t) => /manifests\/nightly$/.test(t))).toBeGreaterThan(lastPublish);
    const client = new RegistryClient({ credentials: ci });
    for (const n of IMAGES) {
      const repo = `${proxy.host}/${call.namespace}/${n}`;
      expect((await client.headManifest(repo, "nightly"))?.digest).toBe(
        (await client.headManifest(repo, "nightly-20261124"))?.digest,
      );
    }
  });

  it("runs the test suite with its services bound and its cache volumes mounted", () => {
    const bindings = call.effects.filter((e) => e.kind === "service-binding").map((e) => e.detail.alias);
    expect(new Set(bindings)).toEqual(new Set(["solr", "postgres", "redis", "fcrepo"]));
    const caches = call.effects.filter((e) => e.kind === "cache").map((e) => e.detail);
    expect(caches).toContainEqual(
      expect.objectContaining({
        path: "/app/samvera/.cache",
        cache: { key: `charthouse-${proxy.host.replace(":", "-")}-${call.namespace}-app-samvera-.cache` },
      }),
    );
  });

  it("stages charts from the chart and its local dependencies only, not the whole source", () => {
    const mounts = call.effects.filter((e) => e.kind === "mount" && e.detail.path === "/src");
    expect(mounts.length).toBeGreaterThan(0);
    for (const m of mounts) expect(m.detail.from, "the whole source is mounted").toBeUndefined();
    // The stage's tree (later mounts are the same tree after helm dependency build).
    const staged = mounts.filter((m) => m.detail.trees);
    expect(staged.length).toBeGreaterThan(0);
    for (const m of staged) {
      const trees = (m.detail.trees as { path: string; from: string }[]).map((t) => t.path).sort();
      expect(trees).toEqual(["chart/fcrepo", "chart/hyrax", "chart/postgresql", "chart/redis", "chart/solr"]);
    }
  });

  it("hands the registry password to the engine only as a secret reference, never as text in a query", () => {
    expect(call.engine.queries.length).toBeGreaterThan(20);
    for (const q of call.engine.queries) expect(q).not.toContain(CANARY);
    expect(call.run.output).not.toContain(CANARY);
    const auth = call.effects.filter((e) => e.kind === "registry-auth" || e.kind === "secret-variable");
    expect(auth.length).toBeGreaterThan(0);
    for (const a of auth) expect(String(a.detail.secret)).toMatch(/^fake-Secret-\d+$/);
  });
});

describe("invocation: every other function as `dagger call` calls it", () => {
  it("--config deploy/charthouse.yaml: builds and stages from that folder, as the CLI does", async () => {
    const call = await daggerCall(
      "publish",
      { config: "deploy/charthouse.yaml", nightly: true, dryRun: true, sha: SHA, date: "2026-11-24", ...credentials },
      { under: "deploy" },
    );
    expect(call.run.code, `${JSON.stringify(call.returned)}\n${call.run.output}`).toBe(0);
    const contexts = call.effects.filter((e) => e.kind === "build").map((e) => e.detail.context);
    expect(new Set(contexts)).toEqual(new Set([join(call.project, "deploy")]));
    const staged = call.effects.filter((e) => e.kind === "mount" && e.detail.path === "/src" && e.detail.trees);
    expect(staged.length).toBeGreaterThan(0);
    for (const m of staged)
      expect((m.detail.trees as { from: string }[]).map((t) => t.from).sort()).toEqual(
        ["fcrepo", "hyrax", "postgresql", "redis", "solr"].map((c) => join(call.project, "deploy/chart", c)),
      );
  });

  it("publish --tag v5.0.1 publishes the release tags and the chart at Chart.yaml's version", async () => {
    const call = await daggerCall("publish", { tag: "v5.0.1", sha: SHA, ...credentials });
    expect(call.run.code, `${JSON.stringify(call.returned)}\n${call.run.output}`).toBe(0);
    expect(publishes(call).sort()).toEqual(IMAGES.map((n) => `${proxy.host}/${call.namespace}/${n}:5.0.1`).sort());
    expect(execs(call).find((e) => e.includes("helm push"))).toContain("hyrax-3.7.4.tgz");
    for (const alias of ["5.0", "5", "latest"]) expect(value(call)).toContain(`dassie:${alias} → 5.0.1`);
  });

  it(
    "publish --dry-run in an adopting repository (charthouse its blueprint) runs every gate there and publishes " +
      "nothing",
    async () => {
      const call = await daggerCall(
        "publish",
        { nightly: true, dryRun: true, sha: SHA, date: "2026-11-24", ...credentials },
        { adopter: true },
      );
      expect(value(call)).toMatch(/All 12 gate step\(s\) passed for nightly 20261124; nothing was pushed\./);
      expect(publishes(call)).toEqual([]);
      expect(call.timeline).toEqual([]);
      expect(execs(call).some((e) => e.startsWith("helm lint"))).toBe(true);
    },
  );

  it("a failing gate (an exec error from the engine) is the function's error, and nothing is published", async () => {
    const call = await daggerCall(
      "publish",
      { nightly: true, sha: SHA, date: "2026-11-24", ...credentials },
      { failExec: (args) => args.join(" ").includes("test -f APP") },
    );
    expect(call.run.code).toBe(1);
    expect(call.returned).toMatchObject({ error: { message: expect.stringMatching(/did not complete successfully/) } });
    expect(publishes(call)).toEqual([]);
    expect(call.timeline).toEqual([]);
  });

  it("a failing step's output comes back with the error, the registry password in it redacted", async () => {
    const call = await daggerCall(
      "publish",
      { nightly: true, sha: SHA, date: "2026-11-24", ...credentials },
      {
        failExec: (args) => args.join(" ").includes("test -f APP"),
        failStderr: `env dump: CHARTHOUSE_REGISTRY_PASSWORD=${CANARY}\n`,
      },
    );
    expect(call.run.code).toBe(1);
    expect(JSON.stringify(call.returned)).toMatch(/did not complete successfully/);
    const message = (call.returned as { error: { message: string } }).error.message;
    expect(message).toContain("env dump: CHARTHOUSE_REGISTRY_PASSWORD=[redacted]");
    expect(message).not.toContain(CANARY);
    expect(call.run.output).not.toContain(CANARY);
  });

  it("plan returns the plan as JSON with its steps, and pushes nothing", async () => {
    const call = await daggerCall("plan", { nightly: true, sha: SHA, date: "2026-11-24", ...credentials });
    const plan = JSON.parse(value(call) as string) as {
      steps: { kind: string; image?: { repository: string; tag: string } }[];
    };
    expect(
      plan.steps.filter((s) => s.kind === "push-image").map((s) => `${s.image!.repository}:${s.image!.tag}`),
    ).toEqual(IMAGES.map((n) => `${proxy.host}/${call.namespace}/${n}:nightly-20261124`));
    expect(call.effects.filter((e) => e.kind === "build" || e.kind === "publish")).toEqual([]);
  });

  it("build --name dassie builds that image alone and returns its container", async () => {
    const call = await daggerCall("build", { name: "dassie", sha: SHA });
    expect(call.effects.filter((e) => e.kind === "build").map((e) => e.detail.target)).toEqual(["dassie"]);
    expect(value(call)).toEqual([expect.stringMatching(/^fake-Container-\d+$/)]);
  });

  it("test builds, smoke-tests and runs the suite; it pushes nothing and runs no helm", async () => {
    const call = await daggerCall("test", { sha: SHA });
    expect(value(call)).toMatch(/test in dassie with solr, postgres, redis, fcrepo: .* … ok/);
    expect(call.effects.filter((e) => e.kind === "build")).toHaveLength(4);
    expect(execs(call).some((e) => e.includes("helm"))).toBe(false);
    expect(publishes(call)).toEqual([]);
  });

  it("lint builds the chart's dependencies, lints and renders it, and builds no image", async () => {
    const call = await daggerCall("lint", { sha: SHA });
    expect(value(call)).toMatch(/helm lint --strict hyrax … ok/);
    expect(call.effects.filter((e) => e.kind === "build")).toEqual([]);
    expect(new Set(execs(call).flatMap((e) => /^helm (dependency build|lint|template)/.exec(e)?.[1] ?? []))).toEqual(
      new Set(["dependency build", "lint", "template"]),
    );
  });

  it("package returns a directory of charts", async () => {
    const call = await daggerCall("package", { nightly: true, sha: SHA, date: "2026-11-24" });
    expect(value(call)).toMatch(/^fake-Directory-\d+$/);
    expect(execs(call).some((e) => e.startsWith("helm package"))).toBe(true);
  });
});
