import { describe, expect, it } from "vitest";
import { didYouMean, editDistance } from "../../../src/config/did-you-mean.js";

describe("edit distance and did-you-mean", () => {
  it.each([
    ["", "", 0],
    ["a", "", 1],
    ["", "abc", 3],
    ["kitten", "sitting", 3],
    ["ab", "ba", 1],
    ["abcd", "acbd", 1],
    ["abc", "abc", 0],
    ["ca", "abc", 3],
    ["a", "b", 1],
  ])("%s ~ %s = %i", (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });

  it("takes the closest within a third of the word (at least 2), case aside", () => {
    expect(didYouMean("imagse", ["images", "charts"])).toBe("images");
    expect(didYouMean("IMAGES", ["images"])).toBe("images");
    expect(didYouMean("ab", ["abcd"])).toBe("abcd");
    expect(didYouMean("ab", ["abcde"])).toBeUndefined();
    expect(didYouMean("dasie", ["dassie", "dasie-x"])).toBe("dassie");
    expect(didYouMean("abcdef", ["abcxyz"])).toBeUndefined();
    expect(didYouMean("abcdefghi", ["abcdefxyz"])).toBe("abcdefxyz");
    // The first of equally close candidates wins.
    expect(didYouMean("abx", ["aby", "abz"])).toBe("aby");
    expect(didYouMean("x", [])).toBeUndefined();
  });

  it("gives no hint for words longer than 64 characters, or against such candidates", () => {
    expect(didYouMean("a".repeat(64), ["a".repeat(63)])).toBe("a".repeat(63));
    expect(didYouMean("a".repeat(65), ["a".repeat(65)])).toBeUndefined();
    expect(didYouMean("a".repeat(63), ["a".repeat(65)])).toBeUndefined();
  });
});

describe("did you mean", () => {
  it("counts a transposition as one edit", () => {
    expect(editDistance("ab", "ba")).toBe(1);
    expect(editDistance("tset", "test")).toBe(1);
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("abc", "")).toBe(3);
    expect(didYouMean("tets", ["test", "tags"])).toBe("test");
  });

  it("gives no hint for words, or candidates, beyond 64 characters", () => {
    const long = "a".repeat(64);
    expect(didYouMean(long + "b", [long + "c"])).toBeUndefined();
    expect(didYouMean(long, [long + "b"])).toBeUndefined();
    expect(didYouMean(long.slice(1) + "b", [long])).toBe(long);
    expect(didYouMean(long + "b", [long])).toBeUndefined();
  });
});
