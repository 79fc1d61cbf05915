import { existsSync, readFileSync } from "node:fs";
import { requireTool as requireOnPath } from "../../src/exec/tools.js";

/**
 * scripts/ci/debian-packages.txt: the Debian package of each command the tests and the demo need. Found above this
 * file: test/kit in a checkout, dist/test/kit when the demo runs it compiled.
 */
export const DEBIAN_PACKAGES_FILE = ["../../", "../../../"]
  .map((up) => new URL(`${up}scripts/ci/debian-packages.txt`, import.meta.url).pathname)
  .find((path) => existsSync(path))!;

/** Each command of the one list, with its Debian package. */
export const TOOL_PACKAGES: Readonly<Record<string, string>> = Object.fromEntries(
  readFileSync(DEBIAN_PACKAGES_FILE, "utf8")
    .split("\n")
    .map((line) => line.replace(/#.*/, "").trim().split(/\s+/))
    .filter((words) => words.length >= 2)
    .map(([pkg, command]) => [command!, pkg!]),
);

/** A tool the tests or the demo run: its path, or a ConfigError naming its Debian package and `bash .ci/run`. */
export function requireTool(tool: string, path: string | undefined = process.env.PATH): string {
  return requireOnPath(
    tool,
    path,
    `install it with \`apt-get install ${TOOL_PACKAGES[tool] ?? tool}\` (bash .ci/run installs everything the tests ` +
      "need)",
  );
}
