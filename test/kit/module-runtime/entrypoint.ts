// The launcher the Dagger TypeScript runtime generates as src/__dagger.entrypoint.ts,
// written here from its documented behaviour (dagger/dagger sdk/typescript/runtime,
// tsutils/bin): it hands the SDK's own `entrypoint` every .ts/.mts file under the
// module's src/ (declaration files and itself included) after the SDK's client.gen.ts.
// The SDK then scans them, imports each, and registers or invokes a function.
import { entrypoint } from "@dagger.io/dagger";
import { readdirSync, statSync } from "node:fs";
import { extname, join } from "node:path";

function moduleFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return moduleFiles(path);
    return [".ts", ".mts"].includes(extname(path)) ? [path] : [];
  });
}

entrypoint([join(import.meta.dirname, "../sdk/client.gen.ts"), ...moduleFiles(import.meta.dirname)]);
