import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The platforms the example is published for when asked for several (`--platforms`, the two-platform bench). */
export const TWO_PLATFORMS = ["linux/amd64", "linux/arm64"] as const;

/**
 * Points a copy of examples/hyrax at `registry`; with `platforms`, every image is built
 * for them from `base` (an image index both resolve, see pushBaseIndex) instead of the
 * engine-local busybox, through the Dockerfile's BASE_IMAGE argument.
 */
export function configureExample(
  project: string,
  registry: string,
  multi?: { platforms: readonly string[]; base: string },
): void {
  const file = join(project, "charthouse.yaml");
  let text = readFileSync(file, "utf8").replace("registry: ghcr.io/samvera", `registry: ${registry}`);
  if (multi) {
    text = text.replace(
      /^( {4}target: .+)$/gm,
      `$1\n    platforms: [${multi.platforms.join(", ")}]\n    buildArgs: { BASE_IMAGE: "${multi.base}" }`,
    );
  }
  writeFileSync(file, text);
}
