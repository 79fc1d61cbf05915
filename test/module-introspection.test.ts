import { describe, expect, it } from "vitest";
import { introspect } from "./helpers/module-api.js";

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
