import type { TestProject } from "vitest/node";
import { installBuildxPlugin } from "../kit/buildkit.js";
import { ensureBaseImage, ensureDockerEngine } from "../kit/index.js";

declare module "vitest" {
  export interface ProvidedContext {
    dockerHost: string;
  }
}

/**
 * One Docker engine for the whole run (two dockerds would fight over the docker0
 * bridge): the one that answers, else one started here and stopped at the end. Its
 * embedded BuildKit is what `docker build` reaches through buildx, installed as the
 * user's CLI plugin (BuildKit is the tested default; suites that test the classic
 * builder ask for it with DOCKER_BUILDKIT=0).
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
  return () => engine.stop();
}
