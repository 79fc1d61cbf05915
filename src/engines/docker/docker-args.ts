import { join } from "node:path";
import type { CachePlan, ImagePlan, ServicePlan } from "../../plan/types.js";
import type { Builder } from "./builder.js";

/** The label every container and network of one run carries, so all of it can be found and removed. */
export const RUN_LABEL = "dev.charthouse.run";
/**
 * The project a run's containers and networks belong to (its directory): `docker ps --filter
 * label=dev.charthouse.project=$PWD` finds what a run of this project has running, beside other projects' runs.
 */
export const PROJECT_LABEL = "dev.charthouse.project";

/** The labels of everything a run creates: the run, and the project it is a run of. */
export function runLabels(runId: string, project?: string): string[] {
  return ["--label", `${RUN_LABEL}=${runId}`, ...(project ? ["--label", `${PROJECT_LABEL}=${project}`] : [])];
}

/**
 * `docker build` of one platform of an image of the plan: target, build args, OCI labels,
 * and its tags. On BuildKit the platform is named (`--platform`) and buildx loads the
 * result into the engine's image store (`--load`); the classic builder builds the
 * engine's own platform and takes no platform.
 */
export function dockerBuildArgs(
  image: ImagePlan,
  opts: { root: string; builder: Builder; platform: string; tags: readonly string[] },
): string[] {
  const args = [
    ...(opts.builder === "buildx" ? ["buildx", "build", "--load"] : ["build"]),
    "--file",
    join(opts.root, image.build.dockerfile),
  ];
  if (opts.builder !== "classic") args.push("--platform", opts.platform);
  if (image.build.target) args.push("--target", image.build.target);
  for (const [key, value] of Object.entries(image.build.buildArgs)) args.push("--build-arg", `${key}=${value}`);
  for (const [key, value] of Object.entries(image.labels)) args.push("--label", `${key}=${value}`);
  for (const tag of opts.tags) args.push("--tag", tag);
  args.push(join(opts.root, image.build.context));
  return args;
}

/** `docker run` of a one-off command in an image: removed afterwards, labelled with the run. */
export function dockerRunArgs(
  runId: string,
  ref: string,
  command: readonly string[],
  opts: {
    name?: string;
    network?: string;
    env?: Readonly<Record<string, string>>;
    caches?: readonly CachePlan[];
    project?: string;
  } = {},
): string[] {
  const args = ["run", "--rm", ...runLabels(runId, opts.project), "--network", opts.network ?? "none"];
  if (opts.name) args.push("--name", opts.name);
  for (const cache of opts.caches ?? []) args.push("--mount", `type=volume,source=${cache.key},target=${cache.path}`);
  for (const [key, value] of Object.entries(opts.env ?? {})) args.push("--env", `${key}=${value}`);
  args.push(ref, ...command);
  return args;
}

/** `docker run -d` of a service the test gate needs (from `image`), reachable on the run's network by its name. */
export function dockerServiceArgs(
  runId: string,
  network: string,
  service: ServicePlan,
  image: string = service.image,
  project?: string,
): string[] {
  const args = [
    "run",
    "--detach",
    "--name",
    serviceContainer(runId, service.name),
    ...runLabels(runId, project),
    "--network",
    network,
    "--network-alias",
    service.name,
  ];
  for (const [key, value] of Object.entries(service.env)) args.push("--env", `${key}=${value}`);
  args.push(image, ...(service.command ?? []));
  return args;
}

export function serviceContainer(runId: string, name: string): string {
  return `${runId}-${name}`;
}
