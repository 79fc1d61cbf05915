import type { TestProject } from "vitest/node";
import { installBuildxPlugin } from "../kit/buildkit.js";
import { ensureBaseImage, ensureDockerEngine } from "../kit/index.js";
import { serveDaggerEngineOnDemand } from "../kit/dagger-engine.js";

declare module "vitest" {
  export interface ProvidedContext {
    dockerHost: string;
    /** Where a suite asks for the run's one Dagger engine (useDaggerEngine), started on first demand. */
    daggerEngine: string;
  }
}

/**
 * One Docker engine for the whole run (two dockerds would fight over the docker0
 * bridge): the one that answers, else one started here and stopped at the end. Its
 * embedded BuildKit is what `docker build` reaches through buildx, installed as the
 * user's CLI plugin (BuildKit is the tested default; suites that test the classic
 * builder ask for it with DOCKER_BUILDKIT=0). The real Dagger engine is served on demand: a run without a
 * suite that asks for it never starts it.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  try {
    installBuildxPlugin();
  } catch (error) {
    // The BuildKit suites fail with the same message; the rest run on the classic builder.
    console.warn(`charthouse tests: ${(error as Error).message}`);
  }
  const engine = await ensureDockerEngine();
  await ensureBaseImage(engine.host);
  project.provide("dockerHost", engine.host);
  // The real Dagger engine: one for every suite that needs it, started only when the first one asks.
  const dagger = await serveDaggerEngineOnDemand();
  project.provide("daggerEngine", dagger.address);
  return async () => {
    await dagger.close();
    await engine.stop();
  };
}
