import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The `actions/checkout` major version the repository's GitHub workflows already use (`v6`), so the workflow init
 * writes moves no further than the project already has; the highest when they differ; undefined when none names one.
 * A reference pinned by commit counts by the version in its comment (`@8e8c483… # v6.0.1`), as Dependabot writes it.
 */
export function learnCheckoutMajor(root: string): string | undefined {
  const dir = join(root, ".github/workflows");
  if (!existsSync(dir)) return undefined;
  const majors = readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .flatMap((name) => checkoutMajors(readFileSync(join(dir, name), "utf8")));
  return majors.length ? `v${Math.max(...majors)}` : undefined;
}

/** The major versions of every `uses: actions/checkout@…` in a workflow's text. */
export function checkoutMajors(text: string): number[] {
  const uses = /^\s*(?:-\s+)?uses:\s*["']?actions\/checkout@(?:v(\d+)[\w.-]*|[0-9a-f]{40}["']?\s+#\s*v?(\d+)\b)/gm;
  return [...text.matchAll(uses)].map((m) => Number(m[1] ?? m[2]));
}
