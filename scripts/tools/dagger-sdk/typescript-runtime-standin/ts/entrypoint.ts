// Written by charthouse's stand-in for Dagger's TypeScript SDK runtime: the program the engine runs for every call of
// this module. It hands the SDK every TypeScript file of the module's src/ (and the client generated for this module)
// and lets the SDK's own entrypoint register the module or invoke the function called.
import { entrypoint } from "@dagger.io/dagger";
import { readdirSync } from "node:fs";
import { extname, join } from "node:path";

const here = import.meta.dirname;

function moduleFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = join(dir, entry.name);
    if (entry.isDirectory()) return moduleFiles(file);
    if (file === join(here, "__dagger.entrypoint.ts")) return [];
    return [".ts", ".mts"].includes(extname(file)) ? [file] : [];
  });
}

await entrypoint([join(here, "..", "sdk", "client.gen.ts"), ...moduleFiles(here)]);
