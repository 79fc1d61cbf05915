#!/usr/bin/env node
// Generates schemas/<command>.schema.json from the types of src/cli/json-output.ts: the
// contract of every --json output, shipped in the package. `--check` fails when stale.
import { createGenerator } from "ts-json-schema-generator";
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outputs = { plan: "PlanJson", publish: "PublishJson", sync: "SyncJson", check: "CheckJson", error: "ErrorJson" };
const generator = createGenerator({ path: join(root, "src/cli/json-output.ts"), tsconfig: join(root, "tsconfig.json"), skipTypeCheck: true, additionalProperties: false });

const stale = [];
for (const [name, type] of Object.entries(outputs)) {
  const schema = { ...generator.createSchema(type), $id: `https://charthouse.dev/schemas/${name}.schema.json`, title: `charthouse ${name} --json` };
  const text = `${JSON.stringify(schema, null, 2)}\n`;
  const file = join(root, "schemas", `${name}.schema.json`);
  if (process.argv.includes("--check")) {
    let current = "";
    try {
      current = readFileSync(file, "utf8");
    } catch {}
    if (current !== text) stale.push(file);
  } else {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
}
if (stale.length) {
  console.error(`stale: ${stale.join(", ")}: run npm run generate and commit them`);
  process.exit(1);
}
