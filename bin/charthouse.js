#!/usr/bin/env node
// Runs the bundled CLI, dist/cli/charthouse.cjs (`npm run prepare` writes it; installing runs it), with V8's code
// cache for it beside it: a fresh process then neither parses the bundle nor compiles the functions a run needed
// before (`charthouse plan` starts ~30 % sooner; docs/performance.md). The build writes the cache after a warm-up
// run; a cache this Node cannot use (another version, other V8 flags) is ignored and written anew after the run,
// where the directory is writable. It holds compiled code of the bundle, nothing of a run's data.
// CommonJS (bin/package.json): an ES module entry would start Node's ESM loader, ~10 % of what node costs.
const { readFileSync, renameSync, rmSync, writeFileSync } = require("node:fs");
const { createRequire } = require("node:module");
const { dirname, join } = require("node:path");
const { Script } = require("node:vm");

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-V")) {
  // Answered before the bundle loads: a version check costs what node costs.
  process.stdout.write(`${JSON.parse(readFileSync(join(__dirname, "../package.json"), "utf8")).version}\n`);
} else {
  const file = join(__dirname, "../dist/cli/charthouse.cjs");
  const cacheFile = `${file}.v8-cache`;
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // No cache yet: this run writes one.
  }
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${readFileSync(file, "utf8")}\n})`;
  const script = new Script(wrapped, { filename: file, cachedData });
  const bundle = { exports: {} };
  script.runInThisContext()(bundle.exports, createRequire(file), bundle, file, dirname(file));
  void bundle.exports.main(argv).then((code) => {
    process.exitCode = code;
    if (cachedData !== undefined && !script.cachedDataRejected) return;
    const partial = `${cacheFile}.${process.pid}`;
    try {
      writeFileSync(partial, script.createCachedData());
      renameSync(partial, cacheFile); // whole or not at all: another run may be reading it
    } catch {
      // A read-only install runs without the cache.
      try {
        rmSync(partial, { force: true });
      } catch {
        // Nothing was written.
      }
    }
  });
}
