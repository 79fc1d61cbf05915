import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { daggerRootfsDir, toolVersion } from "../../kit/built-tools.js";
// @ts-expect-error: a script of the repository, plain JavaScript with no declarations
import { toolDir, toolVersion as buildVersion } from "../../../scripts/tools/build-tools.mjs";
// @ts-expect-error: as above
import { rootfsDir } from "../../../scripts/tools/dagger/build-rootfs.mjs";

// The tool builder (.ci/run) and the test kit must agree on where each tool is cached, or a
// test looks for a binary the builder put elsewhere.
const versions = JSON.parse(
  readFileSync(new URL("../../../scripts/tools/versions.json", import.meta.url), "utf8"),
) as Record<string, { version?: string; source?: string }>;

describe("the infrastructure tools' versions", () => {
  it.each(Object.keys(versions))("%s: the builder and the test kit name the same cache folder", (tool) => {
    expect(toolVersion(tool)).toBe((buildVersion as (t: string) => string)(tool));
    expect((toolDir as (t: string) => string)(tool).endsWith(`/${tool}-${toolVersion(tool)}`)).toBe(true);
  });
  it("a published tool is its pinned version; one of our own, a digest of its files", () => {
    expect(toolVersion("cosign")).toBe(versions.cosign!.version);
    expect(toolVersion("referrers-registry")).toMatch(/^src-[0-9a-f]{12}$/);
  });
  it("the Dagger engine's rootfs: the builder and the test kit name the same folder, by its recipe", () => {
    expect(daggerRootfsDir()).toBe((rootfsDir as () => string)());
    expect(daggerRootfsDir()).toMatch(/\/dagger-rootfs-v0\.21\.8-[0-9a-f]{12}$/);
  });
});
