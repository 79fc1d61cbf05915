// The CLI from its sources in a process of its own (`tsx test/kit/main-from-source.ts plan …`), as
// bin/charthouse.js runs the bundle: for the tests that need a real process and no build.
import { main } from "../../src/cli/main.js";

process.exitCode = await main(process.argv.slice(2));
