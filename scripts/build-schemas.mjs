#!/usr/bin/env node
// Generates schemas/<command>.schema.json from the types of src/cli/json-output.ts: the
// contract of every --json output, shipped in the package. `--check` fails when stale.
import { createGenerator } from "ts-json-schema-generator";
import { dirname, join } from "node:path";
import { writeGenerated } from "./lib/write-generated.mjs";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outputs = { plan: "PlanJson", publish: "PublishJson", sync: "SyncJson", check: "CheckJson", error: "ErrorJson" };
const generator = createGenerator({
  path: join(root, "src/cli/json-output.ts"),
  tsconfig: join(root, "tsconfig.json"),
  skipTypeCheck: true,
  additionalProperties: false,
});

const files = {};
for (const [name, type] of Object.entries(outputs)) {
  const schema = {
    ...generator.createSchema(type),
    $id: `https://charthouse.dev/schemas/${name}.schema.json`,
    title: `charthouse ${name} --json`,
  };
  files[join(root, "schemas", `${name}.schema.json`)] = `${JSON.stringify(schema, null, 2)}\n`;
}
writeGenerated(files, root);
