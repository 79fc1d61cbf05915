import { join } from "node:path";
import type { CachePlan, ImagePlan, ServicePlan } from "../../plan/types.js";

/** The label every container and network of one run carries, so all of it can be found and removed. */
export const RUN_LABEL = "dev.charthouse.run";

/**
 * `docker build` for one image of the plan: target, build args, OCI labels, tagged with
 * its immutable reference; through BuildKit (`buildx build --load`) where it is installed.
 */
export function dockerBuildArgs(image: ImagePlan, opts: { root: string; buildx?: boolean }): string[] {
  const args = [...(opts.buildx ? ["buildx", "build", "--load"] : ["build"]), "--file", join(opts.root, image.build.dockerfile)];
  if (image.build.target) args.push("--target", image.build.target);
  for (const [key, value] of Object.entries(image.build.buildArgs)) args.push("--build-arg", `${key}=${value}`);
  for (const [key, value] of Object.entries(image.labels)) args.push("--label", `${key}=${value}`);
  args.push("--tag", `${image.repository}:${image.tag}`, join(opts.root, image.build.context));
  return args;
}

/** `docker run` of a one-off command in an image: removed afterwards, labelled with the run. */
export function dockerRunArgs(
  runId: string,
  ref: string,
  command: readonly string[],
  opts: { name?: string; network?: string; env?: Readonly<Record<string, string>>; caches?: readonly CachePlan[] } = {},
): string[] {
  const args = ["run", "--rm", "--label", `${RUN_LABEL}=${runId}`, "--network", opts.network ?? "none"];
  if (opts.name) args.push("--name", opts.name);
  for (const cache of opts.caches ?? []) args.push("--mount", `type=volume,source=${cache.key},target=${cache.path}`);
  for (const [key, value] of Object.entries(opts.env ?? {})) args.push("--env", `${key}=${value}`);
  args.push(ref, ...command);
  return args;
}

/** `docker run -d` of a service the test gate needs (from `image`), reachable on the run's network by its name. */
export function dockerServiceArgs(runId: string, network: string, service: ServicePlan, image: string = service.image): string[] {
  const args = ["run", "--detach", "--name", serviceContainer(runId, service.name), "--label", `${RUN_LABEL}=${runId}`, "--network", network, "--network-alias", service.name];
  for (const [key, value] of Object.entries(service.env)) args.push("--env", `${key}=${value}`);
  args.push(image, ...(service.command ?? []));
  return args;
}

export function serviceContainer(runId: string, name: string): string {
  return `${runId}-${name}`;
}

/**
 * What the Docker runner cannot do for this plan: it builds for the engine's own platform
 * only, so an image declared for several platforms (or another one) belongs to the
 * Dagger module, which publishes multi-platform images.
 */
export function dockerRunnerProblems(images: readonly ImagePlan[], enginePlatform: string): string[] {
  return images.flatMap((image) => {
    const platforms = image.build.platforms;
    if (platforms.length > 1) {
      return [`image ${image.name} builds for ${platforms.join(", ")}: the Docker runner builds one platform; publish it with \`dagger call publish\` (multi-platform), or list only ${enginePlatform} in charthouse.yaml`];
    }
    if (platforms[0] !== enginePlatform) {
      return [`image ${image.name} builds for ${platforms[0]}, but the Docker engine is ${enginePlatform}: publish it with \`dagger call publish\`, or run charthouse on a ${platforms[0]} engine`];
    }
    return [];
  });
}
