import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { RegistryClient, Secret } from "../../../src/registry/index.js";
import { runProcess } from "../../../src/exec/run-process.js";
import { pushBaseIndex } from "../../kit/base-index.js";
import {
  charthouseModuleCopy,
  daggerModuleMissing,
  ENGINE_REGISTRY_PASSWORD,
  useDaggerEngine,
  type SharedDaggerEngine,
} from "../../kit/dagger-engine.js";
import { COMMIT_TIME, conformanceProject } from "../conformance/project.js";

// The headline on the real engine: `dagger call publish --nightly`, the module loaded from a copy of only dagger.json
// and ci/ (as the engine gets it) through the TypeScript runtime stand-in, called by the real CLI, publishing to a
// registry the module's containers reach at 10.0.2.2 (the host's loopback), declared plain HTTP in charthouse.yaml.
const missing = daggerModuleMissing();
const CALL = 1_500_000; // a cold call loads the module (codegen, the runtime), builds, tests and publishes

let engine: SharedDaggerEngine;
let module: string;
const client = () =>
  new RegistryClient({ credentials: { username: "ci", password: new Secret(ENGINE_REGISTRY_PASSWORD) } });

beforeAll(async () => {
  if (missing) return;
  engine = await useDaggerEngine(inject("daggerEngine"));
  module = charthouseModuleCopy();
  // The project's base: busybox in the engine's mirror, which the engine pulls from by the same 127.0.0.1 name.
  await pushBaseIndex(new RegistryClient(), engine.registry.mirror);
}, 600_000);

/** `dagger call …` in the module's copy on the run's engine, the registry password only in the environment. */
async function daggerCall(args: string[]) {
  const env = engine.env({ ...process.env, CHARTHOUSE_TEST_REGISTRY_TOKEN: ENGINE_REGISTRY_PASSWORD });
  const result = await runProcess(engine.cli, ["--progress=plain", "call", ...args], { cwd: module, env });
  return { code: result.code, output: result.output, stdout: result.stdout };
}

const publishArgs = (project: string, extra: string[] = []) => [
  "--source",
  project,
  "publish",
  "--nightly",
  "--date",
  "2026-11-24",
  "--registry-username",
  "ci",
  "--registry-password",
  "env://CHARTHOUSE_TEST_REGISTRY_TOKEN",
  ...extra,
];

const title = "dagger call publish --nightly on the real engine";
describe.skipIf(missing)(missing ? `${title} (skipped: ${missing})` : title, () => {
  it(
    "publishes the project's image and chart, pinned and labelled; a rerun the same day pushes nothing new",
    async (ctx) => {
      if (engine.registry.toolImagesMissing) return ctx.skip(engine.registry.toolImagesMissing);
      const namespace = "real-nightly";
      const project = conformanceProject(`${engine.registry.inside}/${namespace}`, {
        base: `${engine.registry.mirror}/charthouse/busybox:1.35`,
        plainHttp: true,
      });
      const first = await daggerCall(publishArgs(project));
      expect(first.code, first.output).toBe(0);
      expect(first.output).not.toContain(ENGINE_REGISTRY_PASSWORD);

      const registry = client();
      const repo = (name: string) => `${engine.registry.host}/${namespace}/${name}`;
      const tags = await registry.listTags(repo("app"));
      expect(tags).toEqual(expect.arrayContaining(["nightly-20261124", "nightly"]));
      expect(await registry.listTags(repo("charts/app"))).toContain("1.0.0-nightly.20261124");
      const image = await registry.getManifest(repo("app"), "nightly-20261124");
      const manifest = JSON.parse(image!.bytes.toString("utf8")) as { config: { digest: string } };
      const config = JSON.parse((await registry.getBlob(repo("app"), manifest.config.digest)).toString("utf8")) as {
        config: { Labels: Record<string, string> };
      };
      expect(config.config.Labels["org.opencontainers.image.created"]).toBe(COMMIT_TIME);
      expect(config.config.Labels["org.opencontainers.image.revision"]).toMatch(/^[0-9a-f]{40}$/);

      const before = await registry.headManifest(repo("app"), "nightly");
      const again = await daggerCall(publishArgs(project));
      expect(again.code, again.output).toBe(0);
      expect((await registry.headManifest(repo("app"), "nightly"))?.digest).toBe(before?.digest);
      expect(await registry.listTags(repo("app"))).toEqual(tags);
    },
    CALL,
  );

  it(
    "a failing smoke test publishes nothing, and the error names the step",
    async (ctx) => {
      if (engine.registry.toolImagesMissing) return ctx.skip(engine.registry.toolImagesMissing);
      const namespace = "real-failing-gate";
      const project = conformanceProject(`${engine.registry.inside}/${namespace}`, {
        base: `${engine.registry.mirror}/charthouse/busybox:1.35`,
        plainHttp: true,
        failingSmoke: true,
      });
      const run = await daggerCall(publishArgs(project));
      expect(run.code).not.toBe(0);
      expect(run.output).toMatch(/smoke-test app/);
      expect(await client().listTags(`${engine.registry.host}/${namespace}/app`)).toEqual([]);
      expect(await client().listTags(`${engine.registry.host}/${namespace}/charts/app`)).toEqual([]);
    },
    CALL,
  );

  it("no registry password reached the engine's log", () => {
    expect(readFileSync(engine.logFile, "utf8")).not.toContain(ENGINE_REGISTRY_PASSWORD);
  });

  it(
    "--dry-run runs every gate and pushes nothing",
    async (ctx) => {
      if (engine.registry.toolImagesMissing) return ctx.skip(engine.registry.toolImagesMissing);
      const namespace = "real-dry-run";
      const project = conformanceProject(`${engine.registry.inside}/${namespace}`, {
        base: `${engine.registry.mirror}/charthouse/busybox:1.35`,
        plainHttp: true,
      });
      const run = await daggerCall(publishArgs(project, ["--dry-run"]));
      expect(run.code, run.output).toBe(0);
      expect(await client().listTags(`${engine.registry.host}/${namespace}/app`)).toEqual([]);
    },
    CALL,
  );
});
