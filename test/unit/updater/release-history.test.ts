import { describe, expect, it } from "vitest";
import { failedVersions, parseHistory, splitChart } from "../../../src/updater/release-history.js";

const r = (revision: number, version: string, status: string) => ({ revision, version, status });

describe("failedVersions", () => {
  it.each([
    { name: "no history", history: [], expected: [] },
    {
      name: "an upgrade rolled back",
      history: [r(1, "1.0.0", "superseded"), r(2, "1.1.0", "failed"), r(3, "1.0.0", "deployed")],
      expected: [{ version: "1.1.0", revision: 2 }],
    },
    {
      name: "a failure later fixed by an upgrade to the same version",
      history: [
        r(1, "1.0.0", "superseded"),
        r(2, "1.1.0", "failed"),
        r(3, "1.0.0", "superseded"),
        r(4, "1.1.0", "deployed"),
      ],
      expected: [],
    },
    {
      name: "a version that failed twice: its last revision counts",
      history: [
        r(1, "1.0.0", "superseded"),
        r(2, "1.1.0", "failed"),
        r(3, "1.0.0", "superseded"),
        r(5, "1.1.0", "failed"),
        r(6, "1.0.0", "deployed"),
      ],
      expected: [{ version: "1.1.0", revision: 5 }],
    },
    {
      name: "a failed first install",
      history: [r(1, "1.0.0", "failed")],
      expected: [{ version: "1.0.0", revision: 1 }],
    },
    {
      name: "history out of order",
      history: [r(3, "1.0.0", "deployed"), r(2, "1.1.0", "failed"), r(1, "1.0.0", "superseded")],
      expected: [{ version: "1.1.0", revision: 2 }],
    },
    {
      name: "history out of order, the failure fixed later",
      history: [
        r(4, "1.1.0", "deployed"),
        r(2, "1.1.0", "failed"),
        r(3, "1.0.0", "superseded"),
        r(1, "1.0.0", "superseded"),
      ],
      expected: [],
    },
  ])("$name", ({ history, expected }) => expect(failedVersions(history)).toEqual(expected));
});

describe("parseHistory", () => {
  it("reads helm history --output json (helm 3 and 4), splitting chart name and version", () => {
    const json = JSON.stringify([
      {
        revision: 1,
        updated: "2026-11-27T06:34:00Z",
        status: "superseded",
        chart: "shelf-1.2.3",
        app_version: "1.2.3",
        description: "Install complete",
      },
      {
        revision: 2,
        updated: "2026-11-27T06:35:00Z",
        status: "failed",
        chart: "my-app-2-1.2.4-rc.1",
        app_version: "1.2.4",
        description: "Upgrade failed",
      },
    ]);
    expect(parseHistory(json)).toEqual([r(1, "1.2.3", "superseded"), r(2, "1.2.4-rc.1", "failed")]);
  });
});

describe("splitChart", () => {
  it.each([
    ["hyrax-5.0.1", { chart: "hyrax", version: "5.0.1" }],
    ["my-app-2-10.20.30-nightly.20261127", { chart: "my-app-2", version: "10.20.30-nightly.20261127" }],
    ["no-version", { chart: "no-version", version: "" }],
  ])("%s", (chart, expected) => expect(splitChart(chart)).toEqual(expected));
});
