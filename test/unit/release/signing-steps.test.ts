import { projectFilesInMemory } from "../../kit/project-files-in-memory.js";
import { describe, expect, it } from "vitest";

import { runRelease } from "../../../src/release/index.js";
import { PublishFailure } from "../../../src/errors.js";
import { signatureTag } from "../../../src/signing/index.js";
import type { RegistryState } from "../../../src/registry/index.js";
import { chart, COMMIT, config, image, state } from "../../kit/builders.js";
import { mustPlan } from "../../kit/plan-assertions.js";
import { memoryRegistry, recordingEngine } from "../../kit/recording-engine.js";
import { joined } from "../../kit/regex.js";

// runRelease's signing steps against a FAKE engine (cosign's effect on the registry imitated,
// test/helpers/recording-engine.ts) and an in-memory registry: the order and the rerun
// decisions are runRelease's and src/signing's, whatever signs. The real cosign is
// test/signing-verify.test.ts's.
const cfg = config({ images: [image("dassie")], charts: [chart("hyrax", "3.7.4")], test: undefined });
const hyraxChart = projectFilesInMemory({
  "chart/hyrax/Chart.yaml": "apiVersion: v2\nname: hyrax\nversion: 3.7.4\n",
  "chart/hyrax/values.yaml": "image: {}\n",
});

async function release(
  registry: ReturnType<typeof memoryRegistry>,
  opts: { failSign?: string; there?: RegistryState; cfg?: typeof cfg; write?: (text: string) => void } = {},
) {
  const { engine, events } = recordingEngine({ registry, failSign: opts.failSign });
  const plan = mustPlan({ kind: "release", tag: "v5.0.1" }, opts.there ?? state().build(), opts.cfg ?? cfg);
  const run = runRelease({
    plan,
    command: "publish",
    sign: true,
    engine,
    client: registry.client,
    files: hyraxChart,
    write: opts.write ?? (() => undefined),
    settle: { settleMs: 1, rounds: 1 },
    builderVersion: "9.9.9",
  });
  return { run, events };
}

describe("signing in a release", () => {
  it("signs and attests every pushed digest after the last push and before the first alias moves", async () => {
    const registry = memoryRegistry();
    const { run, events } = await release(registry);
    const { result } = await run;
    const image = "ghcr.io/samvera/dassie";
    const digest = result.published.find((p) => p.reference === `${image}:5.0.1`)!.digest;
    const lastPush = Math.max(...events.map((e, i) => (e.startsWith("push ") ? i : -1)));
    const firstSign = events.findIndex((e) => e.startsWith("sign "));
    expect(firstSign).toBeGreaterThan(lastPush);
    expect(events.filter((e) => /^(sign|attest|sbom) /.test(e))).toEqual([
      `sign ${image}@${digest}`,
      `sbom ${image}@${digest}`,
      `attest spdxjson ${image}@${digest}`,
      `attest slsaprovenance1 ${image}@${digest}`,
      `sign ghcr.io/samvera/charts/hyrax@${result.published.find((p) => p.reference.endsWith("hyrax:3.7.4"))!.digest}`,
      "attest slsaprovenance1 " +
        `ghcr.io/samvera/charts/hyrax@${result.published.find((p) => p.reference.endsWith("hyrax:3.7.4"))!.digest}`,
    ]);
    expect(result.signed.map((s) => [s.reference, s.signatures, s.attestations])).toEqual([
      [`${image}:5.0.1`, 1, 2],
      ["ghcr.io/samvera/charts/hyrax:3.7.4", 1, 1],
    ]);
    expect(registry.tags()).toContain(`${image}:${signatureTag(digest)}`);
    expect(result.aliases.every((a) => a.moved)).toBe(true);
  });

  it("a failed signing fails the run, nothing aliased, naming what was pushed; the rerun signs the rest", async () => {
    const registry = memoryRegistry();
    const first = await release(registry, { failSign: "charts/hyrax" });
    const error = await first.run.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PublishFailure);
    expect((error as Error).message).toMatch(
      joined(
        /^publish failed: sign and attest ghcr\.io\/samvera\/charts\/hyrax:3\.7\.4: cosign sign of .* failed\. /,
        /Pushed: .*dassie:5\.0\.1@sha256:.*\. No alias was moved\.$/,
      ),
    );
    expect(registry.tags().some((t) => /:(5\.0|5|latest)$/.test(t))).toBe(false);

    // The rerun: everything is there from this commit, the aliases not yet moved.
    const there = state();
    for (const p of (error as PublishFailure).message.match(/[^ ,]+:[^ ,:]+@sha256:[0-9a-f]{64}/g)!) {
      const [reference, digest] = p.split("@") as [string, string];
      there.tag(reference.slice(0, reference.lastIndexOf(":")), reference.slice(reference.lastIndexOf(":") + 1), {
        digest,
        revision: COMMIT,
      });
    }
    const rerun = await release(registry, { there: there.build() });
    const { result } = await rerun.run;
    expect(rerun.events.filter((e) => /^(sign|attest|sbom) /.test(e)).map((e) => e.split("@")[0])).toEqual([
      "sign ghcr.io/samvera/charts/hyrax",
      "attest slsaprovenance1 ghcr.io/samvera/charts/hyrax",
    ]);
    expect(result.signed.map((s) => [s.reference, s.signatures, s.attestations])).toEqual([
      ["ghcr.io/samvera/dassie:5.0.1", 0, 0],
      ["ghcr.io/samvera/charts/hyrax:3.7.4", 1, 1],
    ]);
    expect(result.aliases.filter((a) => a.moved).map((a) => a.reference)).toEqual([
      "ghcr.io/samvera/dassie:5.0",
      "ghcr.io/samvera/dassie:5",
      "ghcr.io/samvera/dassie:latest",
    ]);
  });

  it(
    "a multi-platform image: each platform's manifest and the index are signed; SBOMs of the platforms, a " +
      "provenance of each",
    async () => {
      const registry = memoryRegistry();
      registry.indexes.set("ghcr.io/samvera/dassie:5.0.1", ["linux/amd64", "linux/arm64"]);
      const multi = config({
        images: [image("dassie", { platforms: ["linux/amd64", "linux/arm64"] })],
        charts: [],
        test: undefined,
      });
      const { run, events } = await release(registry, { cfg: multi });
      const { result } = await run;
      const index = result.published[0]!.digest;
      const children = (
        JSON.parse((await registry.client.getManifest("ghcr.io/samvera/dassie", index))!.bytes.toString("utf8")) as {
          manifests: { digest: string }[];
        }
      ).manifests.map((m) => m.digest);
      expect(children).toHaveLength(2);
      const at = (d: string) => `ghcr.io/samvera/dassie@${d}`;
      expect(events.filter((e) => /^(sign|attest|sbom) /.test(e))).toEqual([
        ...children.flatMap((c) => [
          `sign ${at(c)}`,
          `sbom ${at(c)}`,
          `attest spdxjson ${at(c)}`,
          `attest slsaprovenance1 ${at(c)}`,
        ]),
        `sign ${at(index)}`,
        `attest slsaprovenance1 ${at(index)}`,
      ]);
      expect(result.signed).toEqual([
        { reference: "ghcr.io/samvera/dassie:5.0.1", digest: index, signatures: 3, attestations: 5 },
      ]);
    },
  );
});

describe("signing where the registry answers the OCI 1.1 referrers API", () => {
  const image = "ghcr.io/samvera/dassie";
  const chartRepo = "ghcr.io/samvera/charts/hyrax";
  const signLines = (out: string) => out.split("\n").filter((l) => l.includes("sign and attest"));

  it("signs and attests as referrers, no tag; one probe for the registry; the lines say where", async () => {
    const registry = memoryRegistry({ referrers: true });
    let out = "";
    const { run, events } = await release(registry, { write: (t) => void (out += t) });
    const { result } = await run;
    const digest = result.published.find((p) => p.reference === `${image}:5.0.1`)!.digest;
    const chartDigest = result.published.find((p) => p.reference === `${chartRepo}:3.7.4`)!.digest;
    expect(events.filter((e) => /^(sign|attest) /.test(e))).toEqual([
      `sign ${image}@${digest}`,
      `attest spdxjson ${image}@${digest}`,
      `attest slsaprovenance1 ${image}@${digest}`,
      `sign ${chartRepo}@${chartDigest}`,
      `attest slsaprovenance1 ${chartRepo}@${chartDigest}`,
    ]);
    expect(registry.tags().filter((t) => /\.(sig|att)$/.test(t))).toEqual([]);
    // One probe (of the first digest signed), then one listing per subject.
    expect(registry.referrerRequests).toEqual([
      `${image}@${digest}`,
      `${image}@${digest}`,
      `${chartRepo}@${chartDigest}`,
    ]);
    expect(await registry.client.referrers(image, digest)).toHaveLength(3);
    expect(signLines(out)).toEqual([
      expect.stringMatching(/ \(1 signature\(s\), 2 attestation\(s\) as OCI 1\.1 referrers\)$/),
      expect.stringMatching(/ \(1 signature\(s\), 1 attestation\(s\) as OCI 1\.1 referrers\)$/),
    ]);
  });

  it("a rerun finds every referrer and signs nothing", async () => {
    const registry = memoryRegistry({ referrers: true });
    const first = await (await release(registry)).run;
    const there = state();
    for (const p of first.result.published) {
      const at = p.reference.lastIndexOf(":");
      there.tag(p.reference.slice(0, at), p.reference.slice(at + 1), { digest: p.digest, revision: COMMIT });
    }
    let out = "";
    const rerun = await release(registry, { there: there.build(), write: (t) => void (out += t) });
    const { result } = await rerun.run;
    expect(rerun.events.filter((e) => /^(sign|attest|sbom) /.test(e))).toEqual([]);
    expect(result.signed.map((s) => [s.reference, s.signatures, s.attestations])).toEqual([
      [`${image}:5.0.1`, 0, 0],
      [`${chartRepo}:3.7.4`, 0, 0],
    ]);
    expect(signLines(out).every((l) => l.endsWith("(signed and attested already as OCI 1.1 referrers)"))).toBe(true);
  });

  it("without the API: the tag scheme, probed once for the run, and the lines say why", async () => {
    const registry = memoryRegistry();
    let out = "";
    const { run } = await release(registry, { write: (t) => void (out += t) });
    const { result } = await run;
    expect(registry.referrerRequests).toHaveLength(1);
    expect(registry.tags().filter((t) => /\.sig$/.test(t))).toHaveLength(2);
    expect(result.signed).toHaveLength(2);
    expect(signLines(out)).toEqual([
      expect.stringMatching(
        / \(1 signature\(s\), 2 attestation\(s\); tag scheme: the registry has no referrers API\)$/,
      ),
      expect.stringMatching(
        / \(1 signature\(s\), 1 attestation\(s\); tag scheme: the registry has no referrers API\)$/,
      ),
    ]);
  });
});
