import { execTool } from "../test/kit/index.js";

/**
 * Empties the engine's build cache for a first run: the images this bench tagged (under
 * `registryHost`, its own registry) removed, with the untagged layers under them, and
 * BuildKit's cache pruned. The engine is shared with other suites: their images stay (a
 * running test may be using them); BuildKit prunes only cache no build is using.
 */
export async function coldCache(env: NodeJS.ProcessEnv, registryHost: string): Promise<void> {
  const docker = (args: string[]) => execTool("docker", args, { env });
  const images = (await docker(["images", "--format", "{{.Repository}}:{{.Tag}}"])).stdout
    .split("\n")
    .filter((image) => image.startsWith(`${registryHost}/`) && !image.endsWith(":<none>"));
  if (images.length) await docker(["image", "rm", "--force", ...images]).catch(() => undefined);
  await docker(["image", "prune", "--force"]);
  await docker(["builder", "prune", "--all", "--force"]);
}
