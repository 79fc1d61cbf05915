/**
 * The images the Dagger module runs its tools in, pinned. helm's matches the major
 * line of the helm the Docker runner and the tests use (the npm-shipped v4.1.4); the
 * argument lists in src/chart are valid for both.
 */
export const TOOL_IMAGES = {
  helm: "alpine/helm:4.1.4",
  node: "node:20.20-alpine",
  // cosign's -dev image has a shell (busybox) for the registry login before signing;
  // syft and cosign at the versions scripts/tools builds for the Docker runner's tests.
  cosign: "ghcr.io/sigstore/cosign/cosign:v2.6.5-dev",
  syft: "anchore/syft:v1.57.1",
} as const;
