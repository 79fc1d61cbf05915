#!/usr/bin/env node
// `npm run lines` (part of `npm test`): no tracked source line is longer than 120 characters. Prettier wraps code
// at that width but leaves strings, comments, template literals and regexes as they are; this holds the rest.
// Prints each long line as `file:line: N characters` and exits 1 when there is one.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const LIMIT = 120;
const SOURCE = /\.(ts|mjs|cjs|js|sh|ya?ml)$/;
/** Data and installed code, as .prettierignore has them: tests and helm read them byte for byte. */
const DATA = [/^ci\/(lib|sdk)\//, /^schemas\//, /^test\/(fixtures|golden)\//, /^(examples|deploy|demo\/fixtures)\//];
/** The ajv validator is generated as one minified line of code: nobody reads or edits it. */
const GENERATED = ["src/config/schema-validator.generated.ts"];

// The repository the check is run in (npm runs it at the package's root; its test, in a small repository of its own).
const root = execFileSync("git", ["rev-parse", "--show-toplevel"], { encoding: "utf8" }).trim();
// A set: during a merge git lists an unmerged file once per stage, and each long line would be reported thrice.
const files = new Set(
  execFileSync("git", ["ls-files", "-z"], { cwd: root, encoding: "utf8" })
    .split("\0")
    .filter((file) => SOURCE.test(file) && !DATA.some((data) => data.test(file)) && !GENERATED.includes(file)),
);

const long = [];
for (const file of files) {
  const lines = readFileSync(join(root, file), "utf8").split("\n");
  lines.forEach((line, index) => {
    const length = [...line].length; // characters, not UTF-16 units
    if (length > LIMIT) long.push(`${file}:${index + 1}: ${length} characters`);
  });
}
if (long.length) {
  console.error(long.join("\n"));
  console.error(`${long.length} lines over ${LIMIT} characters: wrap comments, split strings with + (same text).`);
  process.exit(1);
}
