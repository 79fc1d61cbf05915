import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import { expect } from "vitest";

const ROOT = new URL("../..", import.meta.url).pathname;
const ajv = new Ajv({ allErrors: true, strict: false });
const compiled = new Map<string, ReturnType<typeof ajv.compile>>();
const validator = (name: string) => {
  if (!compiled.has(name))
    compiled.set(name, ajv.compile(JSON.parse(readFileSync(join(ROOT, "schemas", `${name}.schema.json`), "utf8"))));
  return compiled.get(name)!;
};
/** The output parsed and validated against the shipped schema; fails listing every violation. */
export function valid(name: string, stdout: string): any {
  const data = JSON.parse(stdout);
  const validate = validator(name);
  expect(validate(data) ? [] : validate.errors).toEqual([]);
  return data;
}
