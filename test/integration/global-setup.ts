import type { TestProject } from "vitest/node";
import { ensureBaseImage, ensureDockerEngine } from "../kit/index.js";

declare module "vitest" {
  export interface ProvidedContext {
    dockerHost: string;
  }
}

/**
 * One Docker engine for the whole run (two dockerds would fight over the docker0
 * bridge): the one that answers, else one started here and stopped at the end.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const engine = await ensureDockerEngine();
  await ensureBaseImage(engine.host);
  project.provide("dockerHost", engine.host);
  return () => engine.stop();
}
