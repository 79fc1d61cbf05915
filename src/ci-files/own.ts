import { join } from "node:path";
import { loadConfig } from "../config/index.js";
import { circleciConfig } from "./circleci.js";
import { githubWorkflow } from "./github.js";
import { DAGGER_VERSION, type CiOptions } from "./options.js";

/** charthouse's own CI: what an adopter's does, plus its own test suite. */
export function ownCiFiles(root: string): Record<string, string> {
  const loaded = loadConfig(join(root, "charthouse.yaml"));
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
