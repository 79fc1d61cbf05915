import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  ConfigError,
  GateFailure,
  PolicyRefusal,
  PublishFailure,
  RegistryError,
  RunCancelled,
} from "../../../src/errors.js";
import { SYNC_EXIT } from "../../../src/updater/index.js";
import { charthouse } from "../../kit/cli.js";

const ROOT = new URL("../../..", import.meta.url).pathname;
/** The codes a help text or a generated Markdown table lists, in its order. */
const helpCodes = (help: string) => [...help.split(/^Exit codes.*:$/m)[1]!.matchAll(/^ +(\d+) /gm)].map((m) => +m[1]!);
const tableCodes = (page: string) =>
  [...readFileSync(`${ROOT}${page}`, "utf8").matchAll(/^\| (\d+) \|/gm)].map((m) => +m[1]!);

describe("one exit-code table, from which --help and the docs are made", () => {
  it("charthouse sync --help lists every code sync ends with, 22 (every newer version refused) included", async () => {
    const help = await charthouse(["sync", "--help"]);
    expect(help.code).toBe(0);
    const listed = helpCodes(help.stdout);
    for (const [action, code] of Object.entries(SYNC_EXIT)) expect(listed, action).toContain(code);
    expect(help.stdout).toMatch(/^ +22 +every newer version refused/m);
    // A usage error and a bug end a sync too.
    expect(listed).toEqual(expect.arrayContaining([1, 2]));
  });

  it("docs/sync.md lists exactly what sync --help lists; README.md what charthouse --help lists", async () => {
    expect(tableCodes("docs/sync.md")).toEqual(helpCodes((await charthouse(["sync", "--help"])).stdout));
    expect(tableCodes("README.md")).toEqual(helpCodes((await charthouse(["--help"])).stdout));
  });

  it("every error class's code is one charthouse --help names", async () => {
    const listed = helpCodes((await charthouse(["--help"])).stdout);
    const errors = [
      new ConfigError("x"),
      new PolicyRefusal("x"),
      new GateFailure("x"),
      new PublishFailure("x", []),
      new RunCancelled("x"),
      new RegistryError("x"),
    ];
    for (const error of errors) expect(listed, error.name).toContain(error.exitCode);
  });
});
