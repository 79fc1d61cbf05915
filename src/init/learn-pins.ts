import { readFileSync } from "node:fs";
import { join } from "node:path";
import { isMap, isScalar, LineCounter, parseDocument, type YAMLMap } from "yaml";
import { at, type Origin } from "./read-yaml.js";

/** A values key that deploys one of the published images: where charthouse writes its repository, tag and digest. */
export interface LearnedPin {
  readonly image: string;
  readonly repository?: string;
  readonly tag: string;
  readonly digest?: string;
  readonly from: Origin;
}

/**
 * Pins from a chart's values.yaml: every mapping with a `repository` (with a `registry`
 * beside it, as Bitnami writes them, or not) naming a published image's full reference and
 * holding a `tag` becomes a pin, with `digest` when the mapping has one. One naming a
 * repository under the project's registry that nothing publishes (an image the workflows
 * once built) is reported as stale.
 */
export function learnPins(
  root: string,
  chartDir: string,
  registry: string,
  images: readonly { readonly name: string; readonly repository: string }[],
): { pins: LearnedPin[]; stale: string[] } {
  const file = `${chartDir}/values.yaml`;
  let text: string;
  try {
    text = readFileSync(join(root, file), "utf8");
  } catch {
    return { pins: [], stale: [] };
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  if (doc.errors.length) return { pins: [], stale: [] };
  const pins: LearnedPin[] = [];
  const stale: string[] = [];
  const walk = (node: unknown, path: string[]) => {
    if (!isMap(node)) return;
    const map = node as YAMLMap;
    const repository = scalar(map, "repository");
    if (repository) {
      const host = scalar(map, "registry");
      const full = (host ? `${host}/${repository}` : repository).replace(/:[^/:]*$/, "").toLowerCase();
      const key = (k: string) => [...path, k].join(".");
      const from: Origin = { file, line: lines.linePos(map.range?.[0] ?? 0).line };
      const image = images.find((i) => `${registry}/${i.repository}` === full);
      if (image && map.has("tag")) {
        // With a separate registry key, the repository key holds a path charthouse's full reference would break.
        pins.push({
          image: image.name,
          ...(host ? {} : { repository: key("repository") }),
          tag: key("tag"),
          ...(map.has("digest") ? { digest: key("digest") } : {}),
          from,
        });
      } else if (!image && full.startsWith(`${registry}/`)) {
        stale.push(`${at(from)}: ${key("repository")} names ${full}, which no workflow publishes any more; not pinned`);
      }
    }
    for (const item of map.items) if (isScalar(item.key)) walk(item.value, [...path, String(item.key.value)]);
  };
  walk(doc.contents, []);
  return { pins, stale };
}

function scalar(map: YAMLMap, key: string): string | undefined {
  const value = map.get(key);
  return typeof value === "string" && value !== "" ? value : undefined;
}
