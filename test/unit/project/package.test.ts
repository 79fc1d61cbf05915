import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";

const ROOT = new URL("../../..", import.meta.url).pathname;

/**
 * What the package may hold: what bin/charthouse.js loads (the bundle in dist/cli) and the credential helper it names,
 * the install script that unpacks helm and kubectl, the config and output schemas, and the package's own papers.
 */
const SHIPPED = [
  /^package\.json$/,
  /^README\.md$/,
  /^LICENSE/,
  // bin/package.json makes bin/ CommonJS: the CLI starts without Node's ES-module loader (docs/performance.md).
  /^bin\/(charthouse\.js|docker-credential-charthouse|package\.json)$/,
  /^dist\/cli\/[\w.-]+\.(js|cjs|cjs\.v8-cache)$/,
  /^charthouse\.schema\.json$/,
  /^schemas\/[\w-]+\.schema\.json$/,
  /^scripts\/install-helm\.mjs$/,
];

describe("the npm package ships what runs", () => {
  it("npm pack --dry-run lists only the CLI bundle, what it runs, the schemas and docs", () => {
    // Scripts ignored: the list is `files` against the tree, whether or not dist/cli is built yet.
    const [packed] = JSON.parse(
      execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: ROOT, encoding: "utf8" }),
    ) as { files: { path: string }[] }[];
    const paths = packed!.files.map((f) => f.path);
    expect(paths).toContain("bin/charthouse.js");
    expect(paths.filter((path) => !SHIPPED.some((allowed) => allowed.test(path)))).toEqual([]);
  }, 60_000);
});
