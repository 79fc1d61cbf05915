// Written by charthouse's stand-in for Dagger's TypeScript SDK runtime: what `import … from "@dagger.io/dagger"`
// gives this module (tsconfig.json maps it here).
export * from "./core.js";
export * from "./client.gen.js";
