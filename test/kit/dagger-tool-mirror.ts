import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { RegistryClient } from "../../src/registry/index.js";
import { pushImage } from "./oci-image.js";

/** One stand-in image as scripts/tools/dagger-tool-images.mjs lists it. */
interface ToolImage {
  readonly ref: string;
  readonly layers: readonly { readonly file: string }[];
  readonly config: object;
}

/**
 * The registry hosts whose images the adapter names (src/engines/dagger/tools.ts): the engine is told to pull each
 * from the mirror, so the pinned references resolve unchanged on a machine that reaches neither.
 */
export const MIRRORED_HOSTS = ["docker.io", "ghcr.io"] as const;

/**
 * Pushes the tool images' stand-ins into the registry at `host` under their paths on their own registry
 * (`docker.io/library/node:20.20-alpine` → `<host>/library/node:20.20-alpine`), as a mirror serves them. Says the
 * one command to run when they were never assembled.
 */
export async function fillToolMirror(client: RegistryClient, host: string): Promise<string[]> {
  const { toolImagesDir } = await import("../../scripts/tools/dagger-tool-images.mjs");
  const dir = toolImagesDir();
  if (!existsSync(join(dir, "images.json")))
    throw new Error("the Dagger tool images are not assembled: run `node scripts/tools/dagger-tool-images.mjs`");
  const images = JSON.parse(readFileSync(join(dir, "images.json"), "utf8")) as ToolImage[];
  const pushed: string[] = [];
  for (const image of images) {
    const { path, tag } = mirrorPath(image.ref);
    const layers = image.layers.map((layer) => readFileSync(join(dir, layer.file)));
    await pushImage(client, `${host}/${path}`, layers, image.config, tag);
    pushed.push(image.ref);
  }
  return pushed;
}

/** `docker.io/library/node:20.20-alpine` → `library/node` and `20.20-alpine`: where a mirror serves a reference. */
export function mirrorPath(reference: string): { path: string; tag: string } {
  const [, rest] = reference.split(/\/(.*)/s) as [string, string];
  const at = rest.lastIndexOf(":");
  return { path: rest.slice(0, at), tag: rest.slice(at + 1) };
}
