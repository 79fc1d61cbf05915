import {
  startFakeEngine,
  type RegisteredArg,
  type RegisteredFunction,
  type RegisteredModule,
  type RegisteredObject,
} from "./fake-engine.js";
import { removeStage, runEntrypoint, stageModule } from "./module-runtime/stage.js";

export interface Arg {
  name: string;
  description: string;
  type: RegisteredArg["type"];
  isOptional: boolean;
  defaultValue?: string;
  defaultPath?: string;
  ignore?: string[];
}
export interface Fn {
  name: string;
  description: string;
  arguments: Record<string, Arg>;
  returnType: RegisteredFunction["returnType"];
  cachePolicy?: RegisteredFunction["cachePolicy"];
  check: boolean;
}

let registration: Promise<RegisteredModule> | undefined;

/**
 * The module as the engine registers it: staged as the engine stages it, the SDK's own
 * entrypoint run under tsx with no function call (registration), against the FAKE engine,
 * which records the type definitions handed back. Once per test process.
 */
export function registerModule(): Promise<RegisteredModule> {
  registration ??= (async () => {
    const stage = await stageModule();
    const engine = await startFakeEngine({ moduleSource: stage.moduleDir });
    try {
      const run = await runEntrypoint(stage, engine);
      if (run.code !== 0)
        throw new Error(`the module's entrypoint failed to register it (exit ${run.code}):\n${run.output}`);
      return engine.registered();
    } finally {
      await engine.stop();
      removeStage(stage);
    }
  })();
  return registration;
}

/** The module's main object, Charthouse, as registered. */
export async function mainObject(): Promise<RegisteredObject> {
  const module = await registerModule();
  const main = module.objects.find((o) => o.name === "Charthouse");
  if (!main)
    throw new Error(`the module registered no Charthouse object: ${module.objects.map((o) => o.name).join(", ")}`);
  return main;
}

const asFn = (f: RegisteredFunction): Fn => ({
  name: f.name,
  description: f.description ?? "",
  returnType: f.returnType,
  cachePolicy: f.cachePolicy,
  check: f.check,
  arguments: Object.fromEntries(
    f.args.map((a): [string, Arg] => [
      a.name,
      {
        name: a.name,
        description: a.description ?? "",
        type: a.type,
        isOptional: Boolean(a.type.optional) || a.defaultValue !== undefined || a.defaultPath !== undefined,
        defaultValue: a.defaultValue,
        defaultPath: a.defaultPath,
        ignore: a.ignore,
      },
    ]),
  ),
});

/**
 * The main object's functions, by name, as `dagger call` sees them, and its constructor:
 * the arguments `dagger call` takes before the function's name (`dagger call --sha C publish`).
 */
export async function introspect(): Promise<{ description?: string; functions: Record<string, Fn>; construct: Fn }> {
  const module = await registerModule();
  const main = await mainObject();
  const functions = Object.fromEntries(main.functions.map((f): [string, Fn] => [f.name, asFn(f)]));
  const construct = asFn(
    main.construct ?? { name: "", returnType: { kind: "OBJECT_KIND", name: main.name }, args: [], check: false },
  );
  return { description: module.description, functions, construct };
}
