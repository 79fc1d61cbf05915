// Writes charthouse's own CI files (.circleci/config.yml, .github/workflows/charthouse.yml) from
// the same generator `charthouse init` uses for adopters. Run under tsx by `npm run generate`.
// `--check` fails when the committed ones differ.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ownCiFiles } from "../src/ci-files/own.js";
// @ts-expect-error: a plain ES module without declarations
import { writeGenerated } from "./lib/write-generated.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
writeGenerated(
  Object.fromEntries(Object.entries(await ownCiFiles(root)).map(([path, content]) => [join(root, path), content])),
  root,
);
