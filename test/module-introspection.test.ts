import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempTree } from "./helpers/temp-dir.js";

const CI = new URL("../ci/src/", import.meta.url).pathname;

interface Arg {
  name: string;
  description: string;
  type: { kind: string; name?: string };
  isOptional: boolean;
  defaultValue?: string;
  defaultPath?: string;
  ignore?: string[];
}
interface Fn {
  name: string;
  description: string;
  arguments: Record<string, Arg>;
  returnType: { kind: string; name?: string };
}

const SDK = new URL("../node_modules/@dagger.io/dagger/dist/src/", import.meta.url).pathname;

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
async function introspect(): Promise<{ description?: string; functions: Record<string, Fn> }> {
  const { scan } = await import(join(SDK, "module/introspector/index.js"));
  const root = moduleTree();
  // The SDK would import the files natively (no TypeScript loader here): read them from the AST alone.
  const module = await scan([join(root, "src/index.ts"), join(root, "src/steps.ts")], "charthouse", false);
  const main = JSON.parse(JSON.stringify(module.objects.Charthouse));
  return { description: module.description, functions: main.methods };
}

describe("the Dagger module's API, read with the SDK's introspector", () => {
  it("exposes exactly plan, build, test, lint, package and publish, each documented", async () => {
    const { functions, description } = await introspect();
    expect(Object.keys(functions).sort()).toEqual(["build", "lint", "package", "plan", "publish", "test"]);
    for (const fn of Object.values(functions)) {
      expect(fn.description.length, `${fn.name} has no doc comment`).toBeGreaterThan(20);
      for (const arg of Object.values(fn.arguments)) expect(arg.description.length, `${fn.name}(${arg.name}) is undocumented`).toBeGreaterThan(5);
    }
    expect(description).toMatch(/^charthouse: build, test and publish/);
  });

  it("makes `dagger call publish --nightly` a valid call with the documented arguments", async () => {
    const { functions } = await introspect();
    const publish = functions.publish!;
    expect(Object.keys(publish.arguments)).toEqual(["source", "nightly", "tag", "branch", "dryRun", "registryUsername", "registryPassword", "sha", "date", "config"]);
    expect(publish.arguments.source).toMatchObject({ type: { kind: "OBJECT_KIND", name: "Directory" }, defaultPath: "/" });
    expect(publish.arguments.source!.ignore).toEqual(expect.arrayContaining(["node_modules", ".git/objects"]));
    expect(publish.arguments.nightly).toMatchObject({ type: { kind: "BOOLEAN_KIND" }, defaultValue: false });
    expect(publish.arguments.dryRun).toMatchObject({ type: { kind: "BOOLEAN_KIND" }, defaultValue: false });
    expect(publish.arguments.tag).toMatchObject({ type: { kind: "STRING_KIND" }, defaultValue: "" });
    // The password is a Secret end to end: never a string argument.
    expect(publish.arguments.registryPassword).toMatchObject({ type: { kind: "OBJECT_KIND", name: "Secret" }, isOptional: true });
    expect(publish.returnType).toMatchObject({ kind: "STRING_KIND" });
    expect(functions.package!.returnType).toMatchObject({ kind: "OBJECT_KIND", name: "Directory" });
    expect(functions.build!.returnType).toMatchObject({ kind: "LIST_KIND", typeDef: { kind: "OBJECT_KIND", name: "Container" } });
  });

  it("takes no secret as a plain string anywhere", async () => {
    const { functions } = await introspect();
    for (const fn of Object.values(functions)) {
      for (const arg of Object.values(fn.arguments)) {
        if (/password|token|secret/i.test(arg.name)) expect(arg.type, `${fn.name}(${arg.name})`).toMatchObject({ name: "Secret" });
      }
    }
  });
});
