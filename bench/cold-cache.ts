import { execTool } from "../test/kit/index.js";

/**
 * Empties the engine's build cache for a first run: every image but the imported bases
 * (localhost/charthouse/*) removed, with the untagged layers under them, and BuildKit's cache
 * pruned. The classic builder's cache is those layers: an image an earlier bench left (under
 * another registry port) would otherwise answer a "cold" build.
 */
export async function coldCache(env: NodeJS.ProcessEnv): Promise<void> {
  const docker = (args: string[]) => execTool("docker", args, { env });
  const images = (await docker(["images", "--format", "{{.Repository}}:{{.Tag}}"])).stdout
    .split("\n")
    .filter((image) => image && !image.startsWith("localhost/charthouse/") && !image.endsWith(":<none>"));
  if (images.length) await docker(["image", "rm", "--force", ...images]).catch(() => undefined);
  await docker(["image", "prune", "--force"]);
  await docker(["builder", "prune", "--all", "--force"]);
}
