import { loadConfig } from "../config/index.js";
import { projectFilesOnDisk, projectPath } from "../project-files/index.js";
import { circleciConfig } from "./circleci.js";
import { githubWorkflow } from "./github.js";
import { DAGGER_VERSION, type CiOptions } from "./options.js";

/** charthouse's own CI: what an adopter's does, plus its own test suite. */
export async function ownCiFiles(root: string): Promise<Record<string, string>> {
  const loaded = await loadConfig(projectFilesOnDisk(root), projectPath("charthouse.yaml"));
  if (!loaded.ok)
    throw new Error(
      `charthouse.yaml of charthouse itself is invalid: ${loaded.errors.map((e) => e.message).join("; ")}`,
    );
  // sudo resets PATH to its secure_path: pass the job's on, so .ci/run finds the job's node.
  const options: CiOptions = {
    policy: loaded.config.policy,
    daggerVersion: DAGGER_VERSION,
    extraTests: ['sudo -E env "PATH=$PATH" bash .ci/run'],
  };
  return {
    ".circleci/config.yml": circleciConfig(options),
    ".github/workflows/charthouse.yml": githubWorkflow(options),
  };
}
