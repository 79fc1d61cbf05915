/**
 * The images the Dagger module runs its tools in, pinned. helm's matches the major
 * line of the helm the Docker runner and the tests use (the npm-shipped v4.1.4); the
 * argument lists in src/chart are valid for both.
 */
export const TOOL_IMAGES = {
  helm: "alpine/helm:4.1.4",
  node: "node:20.20-alpine",
} as const;
