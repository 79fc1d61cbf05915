import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { parseDocument } from "yaml";
import { listOf, originOf, readYaml, type Origin } from "./read-yaml.js";
import type { WorkflowBuild } from "./learn-workflows.js";

/** A values key chartpress writes an image's name and tag into: a pin, declared outright. */
export interface ChartpressPin {
  /** The chart's directory, relative to the repository. */
  readonly chartDir: string;
  /** The image's repository as chartpress publishes it (`quay.io/acme/k8s-hub`): it names the image init decides. */
  readonly repository: string;
  /** Dotted values keys, each only when values.yaml has it. */
  readonly keys: { readonly repository?: string; readonly tag: string };
  readonly from: Origin;
}

/**
 * chartpress.yaml (at the top or one folder down): each chart's images, built from `contextPath` (default
 * `images/<name>`) and `dockerfilePath` (default its Dockerfile) relative to the file's folder, with `buildArgs` and a
 * `--target` among `extraBuildCommandOptions`; published as `imagePrefix` + name; pinned at `valuesPath` (`name` and
 * `tag` under it) in the chart's values.
 */
export function learnFromChartpress(root: string): { builds: WorkflowBuild[]; pins: ChartpressPin[]; notes: string[] } {
  const file = ["chartpress.yaml", ...subfolders(root).map((d) => `${d}/chartpress.yaml`)].find((f) =>
    existsSync(join(root, f)),
  );
  const y = file ? readYaml(root, file) : undefined;
  if (!y) return { builds: [], pins: [], notes: [] };
  const base = dirname(file!);
  const data = y.doc.toJS() as { charts?: unknown } | null;
  const builds: WorkflowBuild[] = [];
  const pins: ChartpressPin[] = [];
  const notes: string[] = [];
  (Array.isArray(data?.charts) ? data!.charts : []).forEach((chart: unknown, c: number) => {
    const spec = (chart ?? {}) as { name?: unknown; imagePrefix?: unknown; images?: unknown };
    if (typeof spec.name !== "string") return;
    const chartDir = normalize(join(base, spec.name));
    const prefix = typeof spec.imagePrefix === "string" ? spec.imagePrefix : "";
    for (const [name, raw] of Object.entries((spec.images ?? {}) as Record<string, unknown>)) {
      const image = (raw ?? {}) as Record<string, unknown>;
      const from = originOf(y, ["charts", c, "images", name]);
      const context = normalize(join(base, String(image.contextPath ?? `images/${name}`)));
      const dockerfile = image.dockerfilePath
        ? normalize(join(base, String(image.dockerfilePath)))
        : normalize(join(context, "Dockerfile"));
      const options = listOf(image.extraBuildCommandOptions);
      const target = options
        .map((o, i) => o.match(/^--target(?:=(.+))?$/)?.[1] ?? (o === "--target" ? options[i + 1] : undefined))
        .find(Boolean);
      const args = Object.fromEntries(
        Object.entries((image.buildArgs ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]),
      );
      const repository = `${prefix}${name}`.toLowerCase();
      if (!prefix.includes("/"))
        notes.push(`${file}:${from.line}: image ${name} has no imagePrefix with a registry; it is left out`);
      else
        builds.push({
          repositories: [repository],
          name,
          ...(target ? { target } : {}),
          context,
          file: dockerfile,
          ...(Object.keys(args).length ? { buildArgs: args } : {}),
          pushes: true,
          feedsTest: false,
          from,
        });
      if (typeof image.valuesPath === "string" && prefix.includes("/")) {
        const keys = valuesKeys(root, chartDir, image.valuesPath);
        if (keys) pins.push({ chartDir, repository, keys, from });
        else notes.push(`${file}:${from.line}: ${image.valuesPath}.tag is not in ${chartDir}/values.yaml; not pinned`);
      }
    }
  });
  return { builds, pins, notes };
}

/** `<path>.name` (chartpress writes the repository there) and `<path>.tag`, when values.yaml has them. */
function valuesKeys(root: string, chartDir: string, path: string): { repository?: string; tag: string } | undefined {
  let doc;
  try {
    doc = parseDocument(readFileSync(join(root, chartDir, "values.yaml"), "utf8"));
  } catch {
    return undefined;
  }
  const at = path.split(".");
  if (!doc.hasIn([...at, "tag"])) return undefined;
  return { ...(doc.hasIn([...at, "name"]) ? { repository: `${path}.name` } : {}), tag: `${path}.tag` };
}

function subfolders(root: string): string[] {
  try {
    return readdirSync(root, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith(".") && e.name !== "node_modules")
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}
