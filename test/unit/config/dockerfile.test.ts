import { describe, expect, it } from "vitest";
import { listStages } from "../../../src/config/index.js";

describe("Dockerfile stages", () => {
  it("reads FROM … AS name, with flags, any case and spacing, and nothing else", () => {
    const text = [
      "FROM ruby:3 AS base",
      "  from --platform=$BUILDPLATFORM  node:20   as  assets  ",
      "FROM base AS app.web_1",
      "FROM    base   AS spaced",
      "FROM base",
      "# FROM base AS commented",
      "FROM base AS -bad",
      "RUN echo FROM x AS y",
      "FROMbase AS glued",
    ].join("\n");
    expect(listStages(text)).toEqual(["base", "assets", "app.web_1", "spaced"]);
  });
});
