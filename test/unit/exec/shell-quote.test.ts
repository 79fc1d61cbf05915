import { execFileSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { shellQuote } from "../../../src/exec/shell-quote.js";

/** The arguments `sh -c` hands a program for a line: each printed NUL-terminated, so none is lost or split. */
const argsOf = (line: string): string[] =>
  execFileSync("sh", ["-c", `printf '%s\\0' ${line}`], { encoding: "utf8" })
    .split("\0")
    .slice(0, -1);

describe("shellQuote builds sh -c lines that run exactly the arguments given", () => {
  it.each([
    ["quotes, spaces and an empty one", ["it's", "a b", "", "$HOME", "`id`", "x;y", "*", "~"]],
    ["newlines and tabs", ["one\ntwo", "\t", "'\"'"]],
  ])("%s", (_, args) => {
    expect(argsOf(shellQuote(args))).toEqual(args);
  });

  it("for any strings without NUL (which no argument can hold)", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.string({ unit: "binary" }).map((s) => s.replaceAll("\0", "")),
          { minLength: 1 },
        ),
        (args) => {
          expect(argsOf(shellQuote(args))).toEqual(args);
        },
      ),
      { numRuns: 60 },
    );
  });
});
