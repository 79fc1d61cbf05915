// Written by charthouse's stand-in for Dagger's TypeScript SDK runtime: `@dagger.io/dagger/telemetry`.
export { getTracer } from "./core.js";
