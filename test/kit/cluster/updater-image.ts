import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runProcess } from "../../../src/exec/run-process.js";
import { requireTool } from "../../../src/exec/tools.js";
import { ensureNodeBaseImage, NODE_BASE_IMAGE } from "../dockerd.js";

// The repository root from test/kit/cluster, or from dist/test/kit/cluster when compiled (the demo).
const ROOT = [new URL("../../..", import.meta.url), new URL("../../../..", import.meta.url)]
  .map((u) => fileURLToPath(u))
  .find((dir) => existsSync(join(dir, "Dockerfile")))!;

/** The updater's image as the node knows it: loaded, never pulled (the chart's image.repository and tag). */
export const UPDATER_IMAGE = { repository: "localhost/charthouse/charthouse", tag: "node-test" } as const;

/**
 * charthouse's own image, the one the updater chart runs: `npm run pack:image` assembles its
 * files from this checkout's build (dist/, run `npm run prepare` first), the Dockerfile's
 * `charthouse-prebuilt` target builds it on the Docker engine at `dockerHost` from the
 * local Node base, and `docker save` writes it to `archive` for a node's containerd.
 */
export async function buildUpdaterImage(dockerHost: string, archive: string): Promise<string> {
  const env = { ...process.env, DOCKER_HOST: dockerHost };
  const docker = requireTool("docker");
  await ensureNodeBaseImage(dockerHost);
  execFileSync(process.execPath, ["scripts/pack-image.mjs"], { cwd: ROOT, stdio: "pipe" });
  const tag = `${UPDATER_IMAGE.repository}:${UPDATER_IMAGE.tag}`;
  for (const args of [
    ["build", "--target", "charthouse-prebuilt", "--build-arg", `NODE_IMAGE=${NODE_BASE_IMAGE}`, "--tag", tag, "."],
    ["save", "--output", archive, tag],
  ]) {
    const result = await runProcess(docker, args, { cwd: ROOT, env });
    if (result.code !== 0) throw new Error(`docker ${args[0]} of the updater image failed: ${result.output.trim()}`);
  }
  return tag;
}
