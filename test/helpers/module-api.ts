import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempTree } from "./temp-dir.js";

const CI = new URL("../../ci/src/", import.meta.url).pathname;

export interface Arg {
  name: string;
  description: string;
  type: { kind: string; name?: string };
  isOptional: boolean;
  defaultValue?: string;
  defaultPath?: string;
  ignore?: string[];
}
export interface Fn {
  name: string;
  description: string;
  arguments: Record<string, Arg>;
  returnType: { kind: string; name?: string };
}

const SDK = new URL("../../node_modules/@dagger.io/dagger/dist/src/", import.meta.url).pathname;

/**
 * The module laid out as `dagger develop` lays it out: ci/src as it is, and an `sdk/`
 * whose api/client.gen.ts holds the SDK's generated API (here, its published
 * declarations), reached through `@dagger.io/dagger` as the template's `paths` do.
 */
function moduleTree(): string {
  const root = tempTree();
  cpSync(CI, join(root, "src"), { recursive: true });
  mkdirSync(join(root, "sdk/api"), { recursive: true });
  writeFileSync(join(root, "sdk/api/client.gen.ts"), readFileSync(join(SDK, "api/client.gen.d.ts"), "utf8"));
  writeFileSync(join(root, "sdk/index.ts"), `export * from "./api/client.gen.js";\nexport { object, func, argument, enumType, field } from ${JSON.stringify(join(SDK, "index.js"))};\n`);
  mkdirSync(join(root, "node_modules/@dagger.io/dagger"), { recursive: true });
  writeFileSync(join(root, "node_modules/@dagger.io/dagger/package.json"), JSON.stringify({ name: "@dagger.io/dagger", types: "../../../sdk/index.ts" }));
  return root;
}

/** The module's API as Dagger reads it: the SDK's own introspector over ci/src. */
export async function introspect(): Promise<{ description?: string; functions: Record<string, Fn> }> {
  const { scan } = await import(join(SDK, "module/introspector/index.js"));
  const root = moduleTree();
  // The SDK would import the files natively (no TypeScript loader here): read them from the AST alone.
  const module = await scan([join(root, "src/index.ts"), join(root, "src/steps.ts")], "charthouse", false);
  const main = JSON.parse(JSON.stringify(module.objects.Charthouse));
  return { description: module.description, functions: main.methods };
}

