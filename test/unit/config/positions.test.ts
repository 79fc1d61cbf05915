import { LineCounter, parseDocument } from "yaml";
import { describe, expect, it } from "vitest";
import { formatFieldPath, locate, pointerToPath } from "../../../src/config/positions.js";

describe("positions", () => {
  it("turns JSON pointers into paths, unescaping ~1 and ~0, numbers as indexes", () => {
    expect(pointerToPath("")).toEqual([]);
    expect(pointerToPath("/images/10/build~1args/a~0b/1x")).toEqual(["images", 10, "build/args", "a~b", "1x"]);
  });

  it("locates a value, a key, and a missing item's nearest parent", () => {
    const lines = new LineCounter();
    const doc = parseDocument("images:\n  - name: a\n    target: b\n", { lineCounter: lines });
    expect(locate(doc, lines, ["images", 0, "target"])).toEqual({ line: 3, column: 13 });
    expect(locate(doc, lines, ["images", 0, "target"], { key: true })).toEqual({ line: 3, column: 5 });
    expect(locate(doc, lines, ["images", 5, "target"])).toEqual({ line: 2, column: 3 });
    expect(formatFieldPath(["images", 0, "pins", 1, "tag"])).toBe("images[0].pins[1].tag");
    expect(formatFieldPath([])).toBe("(top level)");
  });
});
