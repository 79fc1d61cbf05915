// Writes charthouse's own CI files (.circleci/config.yml, .github/workflows/charthouse.yml) from
// the same generator `charthouse init` uses for adopters, plus charthouse's own test suite. Run
// under tsx by `npm run generate`; `--check` fails when the committed ones differ. It lives here,
// not in src/: it is charthouse's own build, not something the package ships.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { circleciConfig, DAGGER_VERSION, githubWorkflow, type CiOptions } from "../src/ci-files/index.js";
import { loadConfig } from "../src/config/index.js";
import { projectFilesOnDisk, projectPath } from "../src/project-files/index.js";
// @ts-expect-error: a plain ES module without declarations
import { writeGenerated } from "./lib/write-generated.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** charthouse's own CI: what an adopter's does, plus its own test suite. */
async function ownCiFiles(): Promise<Record<string, string>> {
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

writeGenerated(
  Object.fromEntries(Object.entries(await ownCiFiles()).map(([path, content]) => [join(root, path), content])),
  root,
);
