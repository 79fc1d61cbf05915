import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { expect } from "vitest";

/**
 * Compares `actual` with test/golden/<name>. UPDATE_GOLDEN=1 rewrites the file; without it
 * a missing golden file fails the test, so a golden can never pass by being written.
 */
export function expectGolden(name: string, actual: string): void {
  const file = new URL(`../golden/${name}`, import.meta.url).pathname;
  if (process.env.UPDATE_GOLDEN === "1") {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
  }
  let expected: string;
  try {
    expected = readFileSync(file, "utf8");
  } catch {
    throw new Error(`golden file ${name} is missing: run UPDATE_GOLDEN=1 npx vitest run and commit it`);
  }
  expect(actual).toBe(expected);
}
