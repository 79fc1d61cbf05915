import { afterAll, beforeAll } from "vitest";
import { startRegistry, type LocalRegistry } from "./index.js";
import { mainObject } from "./introspect-module.js";
import { startFakeEngine, type Effect, type FakeEngine, type Returned } from "./fake-engine.js";
import { removeStage, runEntrypoint, stageModule, type RuntimeRun, type StagedModule } from "./module-runtime/stage.js";
import { startProxy, type Proxy } from "./proxy.js";
import { CANARY, creds, pushChartVersion, pushImage, pushImageIndex } from "./registry-content.js";

/** One `dagger call` of the staged module against the FAKE engine, and what it recorded. */
export interface DaggerCall {
  readonly engine: FakeEngine;
  readonly run: RuntimeRun;
  readonly returned: Returned | undefined;
  /** Publishes and manifest PUTs in the order the registry saw them. */
  readonly timeline: string[];
  readonly effects: Effect[];
}

export interface ModuleHarness {
  /** The registry the calls publish to, through a recording proxy: `${host()}/<namespace>`. */
  host(): string;
  /**
   * `dagger call <fn> <args>` on the project at `source`: one runtime process, as the
   * engine starts one per call; `source` and the Secret arguments passed as IDs, as the
   * engine passes them. `setup` adjusts the fake engine first (what an image holds, …).
   */
  call(
    fn: string,
    args: Record<string, unknown> & { source: string },
    setup?: (engine: FakeEngine) => void,
  ): Promise<DaggerCall>;
}

export const harnessCredentials = creds("ci", CANARY);

/** The module's arguments of type Secret: the harness passes them as secret IDs, as the engine does. */
const SECRET_ARGUMENTS = ["registryPassword", "signingKey", "signingPassword", "gpgKeyring", "gpgPassphrase"];

/**
 * The Dagger module as the engine stages and runs it (test/kit/module-runtime), a real
 * registry behind a recording proxy, and the fake engine: publishes put real images and
 * `helm push` real charts into the registry, so alias moves are real too.
 */
export function useModuleHarness(): ModuleHarness {
  let stage: StagedModule;
  let registry: LocalRegistry;
  let proxy: Proxy;
  beforeAll(async () => {
    stage = await stageModule();
    registry = await startRegistry({ kind: "htpasswd", users: { ci: CANARY } });
    proxy = await startProxy(registry.host);
    process.env.CHARTHOUSE_TEST_REGISTRY_TOKEN = CANARY;
  });
  afterAll(async () => {
    await proxy?.stop();
    await registry?.stop();
    if (stage) removeStage(stage);
  });
  return {
    host: () => proxy.host,
    async call(fn, args, setup) {
      // The object's constructor arguments, from a registration run (once per test process).
      const declared = new Set((await mainObject()).construct?.args.map((a) => a.name) ?? []);
      const engine = await startFakeEngine({ moduleSource: stage.moduleDir });
      const timeline: string[] = [];
      // The fake runs no helm: `helm template` renders one object, as a chart would.
      engine.execStdout = (a) => (a[0] === "helm" && a[1] === "template" ? "kind: ConfigMap\n" : "");
      engine.onPublish = async (address, labels, platforms) => {
        timeline.push(`publish ${address}`);
        const at = address.lastIndexOf(":");
        if (platforms.length)
          return pushImageIndex(address.slice(0, at), address.slice(at + 1), platforms, harnessCredentials);
        return pushImage(proxy.host, address.slice(0, at), address.slice(at + 1), labels, harnessCredentials);
      };
      // A chart push (`helm push PACKAGE oci://REGISTRY/NAMESPACE` in a shell): put such a chart in the real registry.
      engine.onRun = async (a) => {
        const push = a.join(" ").match(/helm push \/charts\/(.+)-(\d+\.\d+\.\d+[^ ]*)\.tgz oci:\/\/(\S+)/);
        if (push) await pushChartVersion(`${push[3]}/${push[1]}`, push[2]!, { credentials: harnessCredentials });
      };
      proxy.fault = ({ method, path }) => {
        if (method === "PUT" && path.includes("/manifests/")) timeline.push(`PUT ${path}`);
        return { kind: "pass" };
      };
      setup?.(engine);
      const ids = Object.fromEntries(
        Object.entries(args).map(([k, v]) => [
          k,
          k === "source"
            ? engine.directoryId(String(v))
            : SECRET_ARGUMENTS.includes(k)
              ? engine.secretId(String(v))
              : v,
        ]),
      );
      // As the engine calls a function of an object with a constructor: the constructor first
      // (its own runtime process), with the arguments it declares; then the function on the
      // state it returned.
      const split = (own: boolean) => Object.fromEntries(Object.entries(ids).filter(([k]) => declared.has(k) === own));
      try {
        let parent: string | undefined;
        if (declared.size) {
          engine.call = { parentName: "Charthouse", name: "", args: split(true) };
          const constructed = await runEntrypoint(stage, engine);
          if (!engine.returned || !("value" in engine.returned))
            return { engine, run: constructed, returned: engine.returned, timeline, effects: engine.effects };
          parent = engine.returned.value;
          engine.returned = undefined;
        }
        engine.call = { parentName: "Charthouse", name: fn, args: split(false), parent };
        const run = await runEntrypoint(stage, engine);
        return { engine, run, returned: engine.returned, timeline, effects: engine.effects };
      } finally {
        await engine.stop();
      }
    },
  };
}

/** The value a call returned (JSON-decoded), or an error with what it returned instead and its output. */
export function returnedValue(call: DaggerCall): unknown {
  if (!call.returned || !("value" in call.returned))
    throw new Error(`${JSON.stringify(call.returned)}\n${call.run.output}`);
  return JSON.parse(call.returned.value);
}

export const publishes = (call: DaggerCall): string[] =>
  call.effects.filter((e) => e.kind === "publish").map((e) => e.detail.address as string);
export const execs = (call: DaggerCall): string[] =>
  call.effects.filter((e) => e.kind === "exec").map((e) => (e.detail.args as string[]).join(" "));
