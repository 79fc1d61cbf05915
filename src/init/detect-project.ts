import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join, relative, resolve } from "node:path";
import { listStages } from "../config/dockerfile.js";
import { readChartIn } from "./read-yaml.js";
import type { GitTag } from "./learn-tags.js";

/** What `charthouse init` could find out about a project. */
export interface ProjectFacts {
  readonly name: string;
  /** Dockerfiles (relative) and their named stages. */
  readonly dockerfiles: readonly { readonly path: string; readonly stages: readonly string[] }[];
  /** Charts to publish (relative dirs), and those only used as another chart's local dependency. */
  readonly charts: readonly string[];
  readonly subcharts: readonly string[];
  /** `ghcr.io/<owner>` from a GitHub origin remote, when there is one. */
  readonly registry?: string;
  /** `<owner>/<repo>` of a GitHub origin remote: what `${{ github.repository }}` is in its workflows. */
  readonly repository?: string;
  readonly source?: string;
  /** The repository's git tags, newest first as git orders them by creation time. */
  readonly tags: readonly GitTag[];
}

const SKIP = new Set(["node_modules", ".git", "dist", "vendor", "tmp"]);

export function detectProject(root: string): ProjectFacts {
  const dockerfiles: { path: string; stages: string[] }[] = [];
  const chartDirs: string[] = [];
  const walk = (dir: string, depth: number) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isFile() && /^(Dockerfile|Containerfile)(\..+)?$/.test(entry.name)) {
        dockerfiles.push({ path: relative(root, path), stages: listStages(readFileSync(path, "utf8")) });
      } else if (entry.isFile() && entry.name === "Chart.yaml") {
        chartDirs.push(dir);
      } else if (entry.isDirectory() && !SKIP.has(entry.name) && !entry.name.startsWith(".") && depth < 3) {
        // A chart's own charts/ holds packaged or vendored subcharts, not charts of the project.
        if (!(entry.name === "charts" && existsSync(join(dir, "Chart.yaml")))) walk(path, depth + 1);
      }
    }
  };
  walk(root, 0);
  const local = new Set<string>();
  for (const dir of chartDirs) {
    for (const dep of readChartIn(dir).dependencies) {
      if (dep.repository?.startsWith("file://")) local.add(resolve(dir, dep.repository.slice("file://".length)));
    }
  }
  const rel = (dirs: string[]) => dirs.map((d) => relative(root, d)).sort();
  const origin = gitOrigin(root);
  return {
    name: basename(resolve(root))
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, "-"),
    dockerfiles: dockerfiles.sort((a, b) => a.path.localeCompare(b.path)),
    charts: rel(chartDirs.filter((d) => !local.has(d))),
    subcharts: rel(chartDirs.filter((d) => local.has(d))),
    ...origin,
    tags: gitTags(root),
  };
}

function gitTags(root: string): GitTag[] {
  try {
    const out = execFileSync(
      "git",
      ["for-each-ref", "--sort=-creatordate", "--format=%(refname:short)%09%(creatordate:unix)", "refs/tags"],
      { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] },
    );
    return out
      .split("\n")
      .filter(Boolean)
      .map((line) => {
        const [name, time] = line.split("\t");
        return { name: name!, time: Number(time) || 0 };
      });
  } catch {
    return [];
  }
}

function gitOrigin(root: string): { registry?: string; repository?: string; source?: string } {
  try {
    const url = execFileSync("git", ["remote", "get-url", "origin"], {
      cwd: root,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
    const match = url.match(/github\.com[:/]([^/]+)\/([^/]+?)(\.git)?$/);
    if (!match) return {};
    return {
      registry: `ghcr.io/${match[1]!.toLowerCase()}`,
      repository: `${match[1]}/${match[2]}`,
      source: `https://github.com/${match[1]}/${match[2]}`,
    };
  } catch {
    return {};
  }
}
