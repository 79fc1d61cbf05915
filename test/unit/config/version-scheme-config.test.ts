import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig, type ConfigResult } from "../../../src/config/index.js";
import { projectFilesOnDisk, projectPath } from "../../../src/project-files/index.js";
import { charthouse } from "../../kit/cli.js";
import { joined } from "../../kit/regex.js";
import { tempTree } from "../../kit/temp-dir.js";

// policy.versions and charts[].versionFrom as charthouse.yaml writes them, and what check says of them.

const PLACEHOLDER = "apiVersion: v2\nname: app\nversion: 0.0.1-set.by.chartpress\n";
const files = { "chart/app/Chart.yaml": PLACEHOLDER, "chart/app/values.yaml": "image: {}\n" };

function yaml(versions: string | undefined, versionFrom?: string): string {
  return (
    "registry: ghcr.io/x\n" +
    `charts:\n  - path: chart/app\n${versionFrom ? `    versionFrom: ${versionFrom}\n` : ""}` +
    `policy:\n  releaseTag: "{version}"\n${versions ? `  versions: ${versions}\n` : ""}`
  );
}

async function parse(text: string): Promise<ConfigResult & { root: string }> {
  const root = tempTree({ ...files, "charthouse.yaml": text });
  return { ...(await parseConfig(text, projectFilesOnDisk(root), projectPath("charthouse.yaml"))), root };
}

describe("policy.versions and charts[].versionFrom", () => {
  it("carries the scheme and where the chart's version comes from into the config", async () => {
    const result = await parse(yaml("two-part", "release"));
    if (!result.ok) expect.fail(JSON.stringify(result.errors));
    expect(result.config.policy.versions).toBe("two-part");
    expect(result.config.charts[0]!.versionFrom).toBe("release");
  });

  it("a file naming neither reads as before: no scheme, no versionFrom", async () => {
    const result = await parse(yaml(undefined));
    if (!result.ok) expect.fail(JSON.stringify(result.errors));
    expect(result.config.policy).toEqual({
      releaseTag: "{version}",
      chartReleaseTag: "{chart}-chart-v{version}",
      defaultBranch: "main",
    });
    expect("versionFrom" in result.config.charts[0]!).toBe(false);
  });

  it("warns that Chart.yaml's version is ignored, saying what a release publishes instead", async () => {
    const result = await parse(yaml("two-part", "release"));
    expect(result.warnings).toEqual([
      expect.objectContaining({
        line: 4,
        field: "charts[0].versionFrom",
        message:
          "chart/app/Chart.yaml's version 0.0.1-set.by.chartpress is ignored: a release publishes chart 10.0.0 for " +
          "release 10.0, a nightly a prerelease above the last release",
      }),
    ]);
  });

  it.each([
    ["calver", /calendar versions keep the month's leading zero \(26\.08\.0\), which SemVer 2 forbids/],
    ["revision", /a packaging revision has no SemVer 2 form/],
  ])("refuses versionFrom: release with %s, saying why and what to do", async (versions, why) => {
    const result = await parse(yaml(versions, "release"));
    if (result.ok) expect.fail("expected a refusal");
    expect(result.errors).toEqual([
      expect.objectContaining({
        line: 4,
        field: "charts[0].versionFrom",
        message: expect.stringMatching(why),
        fix: "remove versionFrom: release, so the chart publishes its own Chart.yaml version with each release",
      }),
    ]);
    // With the chart's own version the scheme is fine.
    expect((await parse(yaml(versions, "chart"))).ok).toBe(true);
  });

  it("refuses a scheme charthouse does not know, naming the ones it does", async () => {
    const result = await parse(yaml("romver"));
    if (result.ok) expect.fail("expected a refusal");
    expect(result.errors[0]).toMatchObject({ field: "policy.versions", line: 6 });
    expect(`${result.errors[0]!.message} ${result.errors[0]!.fix}`).toMatch(/semver.*two-part.*calver.*revision/);
    const typo = await parse(yaml("calvar"));
    expect(typo.ok ? [] : typo.errors.map((e) => e.message)).toEqual([
      '"calvar" is none of semver, two-part, calver, revision; did you mean "calver"?',
    ]);
  });

  it("charthouse check says the Chart.yaml version is ignored, and passes", async () => {
    const { root } = await parse(yaml("semver", "release"));
    const run = await charthouse(["check", "--config", join(root, "charthouse.yaml")]);
    expect(run.code).toBe(0);
    expect(`${run.stdout}${run.stderr}`).toMatch(
      joined(
        /charthouse\.yaml:4:\d+: charts\[0\]\.versionFrom: chart\/app\/Chart\.yaml's version /,
        /0\.0\.1-set\.by\.chartpress is ignored: a release publishes chart 1\.2\.3 for release 1\.2\.3/,
      ),
    );
  });
});
