// The containers the Dagger adapter runs its tools in. The adapter is handed the module's own Dagger
// client (`dag`) and the library bundle as a File: it imports nothing of the SDK at run time, so the
// module's SDK instance is the only one, and it needs no module around it to find the library.
import type { Client, Container, File } from "@dagger.io/dagger";

/** The images the tools run in, pinned: helm's major line is the one src/chart's argument lists are tested with. */
// cosign's -dev image has a shell (busybox) for the registry login before signing; syft and cosign at the versions
// scripts/tools builds for the Docker runner's tests. gpg: the node image on Debian (bookworm ships GnuPG 2.2, the
// line the Docker runner's provenance tests run), so helm provenance is the library's own code, as on Docker.
export const TOOL_IMAGES = {
  helm: "alpine/helm:4.1.4",
  node: "node:20.20-alpine",
  gpg: "node:20.20-bookworm",
  cosign: "ghcr.io/sigstore/cosign/cosign:v2.6.5-dev",
  syft: "anchore/syft:v1.57.1",
} as const;

/** What the adapter runs tools with: the module's Dagger client and the library bundle (ci/lib/charthouse.js). */
export interface DaggerTools {
  readonly dag: Client;
  readonly bundle: File;
}

/** The library run as a script (`lib` is the bundle) in a node image (default: the node tool's), set up by `setup`. */
export function libraryTool(
  { dag, bundle }: DaggerTools,
  script: string,
  setup: (c: Container) => Container = (c) => c,
  image: string = TOOL_IMAGES.node,
): Container {
  const node = setup(dag.container().from(image).withFile("/charthouse/charthouse.js", bundle));
  return node.withExec([
    "node",
    "--input-type=module",
    "-e",
    `const lib = await import("/charthouse/charthouse.js"); ${script}`,
  ]);
}

/** The pinned helm image with helm's cache as a cache volume, its entrypoint cleared for `helm …` and `sh -c …`. */
export function helmTool(dag: Client): Container {
  return dag
    .container()
    .from(TOOL_IMAGES.helm)
    .withMountedCache("/root/.cache/helm", dag.cacheVolume("charthouse-helm-cache"))
    .withEntrypoint([]);
}
