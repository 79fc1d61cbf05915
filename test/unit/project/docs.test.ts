import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { exitCodesHelp } from "../../../src/cli/program.js";

const ROOT = new URL("../../..", import.meta.url).pathname;
const pages = [
  "README.md",
  ...readdirSync(join(ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];
const text = (page: string) => readFileSync(join(ROOT, page), "utf8");

describe("the documentation", () => {
  it("README.md is a front door a person reads: at most 10 KB, the rest in docs/", () => {
    expect(Buffer.byteLength(text("README.md"))).toBeLessThanOrEqual(10 * 1024);
    for (const topic of ["architecture", "performance", "verification", "adopting", "mutation"])
      expect(text("README.md")).toContain(`(docs/${topic}.md)`);
  });

  it("links only to files that exist", () => {
    for (const page of pages) {
      for (const [, target] of text(page).matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
        if (/^[a-z]+:/.test(target!)) continue;
        expect(existsSync(join(ROOT, dirname(page), target!)), `${page} → ${target}`).toBe(true);
      }
    }
  });

  it("lists the exit codes once, in README.md's generated table, each one charthouse --help names", () => {
    const codes = [...exitCodesHelp("").matchAll(/^\s+(\d+)\s/gm)].map((m) => m[1]!);
    expect(codes).toContain("130");
    const section = text("README.md").split("## Exit codes")[1]!.split("\n## ")[0]!;
    expect([...section.matchAll(/^\| (\d+) \|/gm)].map((m) => m[1])).toEqual(codes);
    expect(pages.filter((page) => /\| 130 \| interrupted/.test(text(page)))).toEqual(["README.md"]);
  });
});
