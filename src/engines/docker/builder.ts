import type { ImagePlan } from "../../plan/types.js";

/**
 * What `docker build` reaches on this machine:
 * - `buildx`: BuildKit through the buildx CLI plugin (its `docker` driver on the engine's
 *   own BuildKit) — every Docker 23+ install, and the tested default;
 * - `buildkit`: the engine's BuildKit through a Docker 18.09–22 client with DOCKER_BUILDKIT=1;
 * - `classic`: the legacy builder (DOCKER_BUILDKIT=0, or an old client without buildx).
 * BuildKit builds for any platform it can run (QEMU for the others) and shares the stages
 * of builds in flight; the classic builder builds the engine's platform only, one at a time.
 */
export type Builder = "buildx" | "buildkit" | "classic";

/** DOCKER_BUILDKIT as the docker CLI reads it (Go's ParseBool); undefined when unset or unreadable. */
function buildkitSetting(value: string | undefined): boolean | undefined {
  if (value === undefined || value === "") return undefined;
  if (["1", "t", "T", "true", "TRUE", "True"].includes(value)) return true;
  if (["0", "f", "F", "false", "FALSE", "False"].includes(value)) return false;
  return undefined;
}

/** The builder a build goes through: DOCKER_BUILDKIT=0 asks for the classic one, as it does of docker itself. */
export function chooseBuilder(buildxInstalled: boolean, env: NodeJS.ProcessEnv): Builder {
  const setting = buildkitSetting(env.DOCKER_BUILDKIT);
  if (setting === false) return "classic";
  if (buildxInstalled) return "buildx";
  return setting === true ? "buildkit" : "classic";
}

/** The builder in a few words, for the progress. */
export function describeBuilder(builder: Builder, enginePlatform: string): string {
  const name = {
    buildx: "BuildKit (buildx)",
    buildkit: "BuildKit (DOCKER_BUILDKIT=1)",
    classic: "Docker's classic builder",
  }[builder];
  return `${name} on ${enginePlatform}`;
}

const ON_BUILDKIT =
  "install buildx as a Docker CLI plugin (BuildKit; `docker buildx version` must answer) and leave DOCKER_BUILDKIT " +
  "unset, or with a Docker 18.09–22 client set DOCKER_BUILDKIT=1";

/**
 * What this builder cannot build of the plan, each with its fix. BuildKit builds every
 * platform (each beside the engine's own runs emulated, which needs QEMU registered with
 * binfmt_misc); the classic builder only the engine's own, so a second platform, or
 * another one, is refused before anything runs.
 */
export function builderProblems(
  images: readonly ImagePlan[],
  builder: Builder,
  enginePlatform: string,
  clientVersion: string,
): string[] {
  // Docker 23 and later reach BuildKit only through buildx; DOCKER_BUILDKIT=1 without it fails every build.
  if (builder === "buildkit" && Number(clientVersion.split(".")[0]) >= 23) {
    return [
      `DOCKER_BUILDKIT=1 asks for BuildKit, but the docker client (${clientVersion}) reaches it only through buildx, ` +
        "which is not installed: install buildx as a Docker CLI plugin, or unset DOCKER_BUILDKIT for the classic " +
        "builder",
    ];
  }
  if (builder !== "classic") return [];
  return images.flatMap((image) => {
    const platforms = image.build.platforms;
    if (platforms.length > 1) {
      return [
        `image ${image.name} builds for ${platforms.join(", ")}, but Docker's classic builder builds one platform: ` +
          `${ON_BUILDKIT}; or publish it with \`dagger call publish\``,
      ];
    }
    if (platforms[0] !== enginePlatform) {
      return [
        `image ${image.name} builds for ${platforms[0]}, but the Docker engine is ${enginePlatform} and the classic ` +
          `builder builds only its platform: ${ON_BUILDKIT}; or run charthouse on a ${platforms[0]} engine`,
      ];
    }
    return [];
  });
}

/**
 * The platform an image's suite, services and plain `docker run` use: the engine's own
 * when the image is built for it (no emulation), else the image's first.
 */
export function primaryPlatform(image: ImagePlan, enginePlatform: string | undefined): string {
  return image.build.platforms.find((p) => p === enginePlatform) ?? image.build.platforms[0]!;
}

/**
 * The engine-local tag of one platform's build of a multi-platform image
 * (`repo:5.0.1-linux-arm64`): the engine's image store holds one platform per tag.
 * Never pushed: the registry gets the variants by digest, under the index.
 */
export function platformTag(image: ImagePlan, platform: string): string {
  return `${image.repository}:${image.tag}-${platform.replaceAll("/", "-")}`;
}

/**
 * The platforms BuildKit says it builds for (`docker buildx inspect`'s "Platforms:" line); undefined when it does not
 * say.
 */
export function buildxPlatforms(inspect: string): string[] | undefined {
  const line = inspect.split("\n").find((l) => /^\s*Platforms:/.test(l));
  if (!line) return undefined;
  return line
    .slice(line.indexOf(":") + 1)
    .split(",")
    .map((p) => p.trim().replace(/\*$/, ""))
    .filter(Boolean);
}

/**
 * The images' platforms BuildKit cannot build here, each with the fix: another platform's
 * RUN steps need an emulator registered with binfmt_misc, else they fail mid-build with
 * "exec format error".
 */
export function platformProblems(images: readonly ImagePlan[], supported: readonly string[]): string[] {
  return images.flatMap((image) => {
    const missing = image.build.platforms.filter((p) => !supported.includes(p));
    if (missing.length === 0) return [];
    const arches = missing.map((p) => p.split("/")[1]).join(",");
    return [
      `image ${image.name} builds for ${missing.join(", ")}, which the engine's BuildKit cannot run (it builds for ` +
        `${supported.join(", ")}): ` +
        "register QEMU with binfmt_misc (Debian: apt-get install qemu-user-static binfmt-support; elsewhere: docker " +
        `run --privileged --rm tonistiigi/binfmt --install ${arches})`,
    ];
  });
}
