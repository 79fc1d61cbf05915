import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { runCli } from "../../../src/cli/program.js";
import { toolEnvironment } from "../../../src/engines/docker/index.js";
import { runProcess } from "../../../src/exec/index.js";
import { MEDIA_TYPES, RegistryClient } from "../../../src/registry/index.js";
import {
  BUNDLE_MEDIA_TYPE,
  BUNDLE_PREDICATE_ANNOTATION,
  cosignArgs,
  isSigstoreTag,
  PREDICATE,
  SIGN_PREDICATE,
} from "../../../src/signing/index.js";
import { charthouse, type CliRun } from "../../kit/cli.js";
import { FakeCluster } from "../../kit/fake-cluster.js";
import { startReferrersRegistry, startRegistry } from "../../kit/index.js";
import { pushChartVersion, pushImage, SIGNING_CANARY } from "../../kit/registry-content.js";
import { builtTool, cosignKeyPair, keyOnlyTrustedRoot, must, pemFragment } from "../../kit/sigstore.js";
import type { LocalRegistry } from "../../kit/registry-server.js";
import { appProject } from "../../kit/app-project.js";
import { filesContaining, tempTree } from "../../kit/temp-dir.js";

// charthouse publish with a cosign key to a registry that answers the OCI 1.1 referrers API
// (go-containerregistry's, scripts/tools/referrers-registry): every signature and attestation
// goes there as a referrer of what it signs, no `sha256-<hex>.sig` tag; cosign verifies them,
// a rerun signs nothing, and sync --verify-key reads them. Distribution 2.8 has no such API:
// publish-signed.test.ts holds the tag scheme there. No test here reaches the internet: cosign
// verifies sigstore bundles only with a trusted root, given as a file that trusts the key alone.
const SHA = "cccc000000000000000000000000000000000001";
const PASSWORD = SIGNING_CANARY;
const NIGHTLY = ["--nightly", "--date", "2026-11-24", "--sha", SHA];
let registry: LocalRegistry;
let project: string;
let keys: { privateKey: string; publicKey: string; pem: string };
let work: string;
let trustedRoot: string;
const runs: CliRun[] = [];
const repo = (name: string) => `${registry.host}/samvera/${name}`;
const client = () => new RegistryClient();
const digest = async (name: string, tag: string) => (await client().headManifest(repo(name), tag))!.digest;
/** cosign for the verifiers: a work directory of its own, no registry credentials (the registry asks none). */
const tools = () => {
  const env = toolEnvironment(join(work, "tools"), registry.host, undefined);
  return { ...env, PATH: `${dirname(builtTool("cosign"))}:${env.PATH}` };
};
const cosign = (args: string[]) => runProcess(builtTool("cosign"), args, { env: tools() });

/** One image, smoke-tested, and a chart pinning it by digest: the least that signs an image and a chart. */
function smallProject(registryPrefix: string): string {
  return appProject({
    registry: registryPrefix,
    dockerfile: "FROM localhost/charthouse/busybox:1.35 AS app\nRUN echo app > /APP\n",
    image: '    smoke: ["test", "-f", "/APP"]\n',
  });
}

async function publish(): Promise<CliRun> {
  const result = await charthouse(["publish", ...NIGHTLY], {
    cwd: project,
    env: {
      DOCKER_HOST: inject("dockerHost"),
      HOME: process.env.HOME ?? "/root",
      PATH: [dirname(builtTool("cosign")), dirname(builtTool("syft")), process.env.PATH].join(":"),
      CHARTHOUSE_SIGNING_KEY: keys.pem,
      CHARTHOUSE_SIGNING_PASSWORD: PASSWORD,
    },
  });
  runs.push(result);
  return result;
}

/** The referrers the API lists for a digest, as predicate types of their bundles, sorted. */
async function referrerTypes(name: string, of: string): Promise<string[]> {
  const listed = (await client().referrers(repo(name), of)) ?? [];
  return listed.map((r) => r.annotations?.[BUNDLE_PREDICATE_ANNOTATION] ?? `(none: ${r.digest})`).sort();
}

beforeAll(async () => {
  registry = await startReferrersRegistry();
  project = smallProject(`${registry.host}/samvera`);
  work = tempTree();
  keys = await cosignKeyPair(join(work, "cosign"), PASSWORD);
  trustedRoot = keyOnlyTrustedRoot(join(work, "sigstore"));
});
afterAll(async () => {
  await registry?.stop();
});

describe("the probe: who answers the referrers API", () => {
  it("distribution 2.8 does not (tag scheme there); this one does for a digest it holds, even with none", async () => {
    const distribution = await startRegistry();
    try {
      const image = `${distribution.host}/probe/app`;
      const held = await pushImage(distribution.host, image, "v1", {});
      expect(await client().referrers(image, held)).toBeNull();
    } finally {
      await distribution.stop();
    }
    const image = repo("probe");
    const held = await pushImage(registry.host, image, "v1", {});
    expect(await client().referrers(image, held)).toEqual([]);
  });
});

describe("the push-rights preflight on this registry", () => {
  it("an upload session it opens but cannot cancel (the DELETE answered 400) still proves the right", async () => {
    expect(await client().checkPush(repo("preflight"))).toEqual({
      ok: true,
      scope: "repository:samvera/preflight:pull,push",
      detail: "an upload session was opened (the registry could not cancel it: HTTP 400)",
    });
  });
});

describe("charthouse publish to a registry with the referrers API", () => {
  it("signs and attests the image and the chart as OCI 1.1 referrers, before any alias moves; no tag", async () => {
    const run = await publish();
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const signed = (reference: string, attestations: number) =>
      new RegExp(
        `sign and attest ${reference.replace(/\./g, "\\.")} … ok .*` +
          `\\(1 signature\\(s\\), ${attestations} attestation\\(s\\) as OCI 1\\.1 referrers\\)`,
      );
    expect(run.stdout).toMatch(signed(`${repo("app")}:nightly-20261124`, 2));
    expect(run.stdout).toMatch(signed(`${repo("charts/app")}:1.0.0-nightly.20261124`, 1));
    const lines = run.stdout.split("\n");
    expect(lines.findLastIndex((l) => l.includes("sign and attest"))).toBeLessThan(
      lines.findIndex((l) => /\] move /.test(l)),
    );
    for (const name of ["app", "charts/app"])
      expect((await client().listTags(repo(name))).filter(isSigstoreTag), name).toEqual([]);
  });

  it("the referrers API lists the image digest's signature and attestations, each a sigstore bundle", async () => {
    const image = await digest("app", "nightly-20261124");
    const answer = await fetch(`${registry.url}/v2/samvera/app/referrers/${image}`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toBe(MEDIA_TYPES.ociIndex);
    const listed = ((await answer.json()) as { manifests: { digest: string }[] }).manifests;
    expect(await referrerTypes("app", image)).toEqual([SIGN_PREDICATE, PREDICATE.provenance, PREDICATE.sbom].sort());
    for (const { digest: at } of listed) {
      const manifest = JSON.parse((await client().getManifest(repo("app"), at))!.bytes.toString("utf8")) as {
        artifactType: string;
        subject: { digest: string };
        layers: { mediaType: string }[];
      };
      // The manifest's own artifactType: go-containerregistry's listing reports the config's media type instead.
      expect(manifest.artifactType).toBe(BUNDLE_MEDIA_TYPE);
      expect(manifest.subject.digest).toBe(image);
      expect(manifest.layers.map((l) => l.mediaType)).toEqual([BUNDLE_MEDIA_TYPE]);
    }
    const chart = await digest("charts/app", "1.0.0-nightly.20261124");
    expect(await referrerTypes("charts/app", chart)).toEqual([SIGN_PREDICATE, PREDICATE.provenance].sort());
  });

  it("cosign verify accepts the image and the chart by tag (signature bundles), refuses another key", async () => {
    for (const [name, tag] of [
      ["app", "nightly-20261124"],
      ["charts/app", "1.0.0-nightly.20261124"],
    ] as const) {
      const out = await must(
        builtTool("cosign"),
        cosignArgs.verify(keys.publicKey, `${repo(name)}:${tag}`, { plainHttp: true, trustedRoot }),
        { env: tools() },
      );
      const verified = JSON.parse(out.split("\n").find((l) => l.startsWith("["))!) as {
        critical: { image: { "docker-manifest-digest": string }; type: string };
      }[];
      expect(verified).toContainEqual({
        critical: expect.objectContaining({
          image: { "docker-manifest-digest": await digest(name, tag) },
          type: SIGN_PREDICATE,
        }),
        optional: null,
      });
    }
    const other = await cosignKeyPair(join(work, "other"), "other-password");
    const refused = await cosign(
      cosignArgs.verify(other.publicKey, `${repo("app")}:nightly-20261124`, { plainHttp: true, trustedRoot }),
    );
    expect(refused.code).not.toBe(0);
  });

  it("cosign verify-attestation finds the SBOM and the provenance, which names the commit", async () => {
    const reference = `${repo("app")}:nightly-20261124`;
    const statement = async (type: string) => {
      const out = await must(
        builtTool("cosign"),
        cosignArgs.verifyAttestation(keys.publicKey, reference, type, { plainHttp: true, trustedRoot }),
        { env: tools() },
      );
      const envelope = JSON.parse(out.split("\n").find((l) => l.startsWith("{"))!) as { payload: string };
      return JSON.parse(Buffer.from(envelope.payload, "base64").toString("utf8"));
    };
    const sbom = await statement("spdxjson");
    expect(sbom.predicateType).toBe(PREDICATE.sbom);
    expect(sbom.predicate.spdxVersion).toMatch(/^SPDX-2\./);
    const provenance = await statement("slsaprovenance1");
    expect(provenance.predicateType).toBe(PREDICATE.provenance);
    expect(provenance.subject[0].digest.sha256).toBe((await digest("app", "nightly-20261124")).slice(7));
    expect(provenance.predicate.buildDefinition.resolvedDependencies[0].digest.gitCommit).toBe(SHA);
  });

  it("a rerun of a run that stopped before its aliases moved signs nothing: the referrers say so", async () => {
    // What such a run leaves: the immutable names, signed and attested, and no alias.
    const immutable = { app: "nightly-20261124", "charts/app": "1.0.0-nightly.20261124" };
    for (const [name, keep] of Object.entries(immutable))
      for (const tag of (await client().listTags(repo(name))).filter((t) => t !== keep)) {
        const removed = await fetch(`${registry.url}/v2/samvera/${name}/manifests/${tag}`, { method: "DELETE" });
        expect(removed.status, `${name}:${tag}`).toBe(202);
      }
    const image = await digest("app", "nightly-20261124");
    const before = await referrerTypes("app", image);
    const run = await publish();
    expect(run.code).toBe(0);
    const signLines = run.stdout.split("\n").filter((l) => / sign and attest .* … /.test(l));
    expect(signLines).toHaveLength(2);
    for (const line of signLines) expect(line).toMatch(/\(signed and attested already as OCI 1\.1 referrers\)$/);
    expect(run.stdout).toMatch(/\] move /);
    expect(await referrerTypes("app", image)).toEqual(before);
  });

  it("sync --verify-key installs the chart signed as a referrer, refuses a newer unsigned one", async () => {
    const sync = async (cluster: FakeCluster, extra: string[] = []) => {
      let stdout = "";
      let stderr = "";
      const args = [
        ...["sync", "--chart", `oci://${repo("charts/app")}`, "--release", "app", "--namespace", "samvera"],
        ...["--policy", "nightly", "--verify-key", keys.publicKey, "--json", ...extra],
      ];
      const io = {
        stdout: (t: string) => void (stdout += t),
        stderr: (t: string) => void (stderr += t),
        env: {},
        cwd: "/",
        now: () => new Date("2026-11-26T03:00:00Z"),
      };
      const code = await runCli(args, io, cluster);
      runs.push({ code, stdout, stderr });
      return { code, line: JSON.parse(stdout.trim().split("\n").pop()!) };
    };
    const first = await sync(new FakeCluster(null), ["--dry-run"]);
    expect(first.line).toMatchObject({
      action: "upgraded",
      installed: "1.0.0-nightly.20261124",
      digest: await digest("charts/app", "1.0.0-nightly.20261124"),
    });

    // Someone who may push, without the key, pushes a newer nightly.
    await pushChartVersion(repo("charts/app"), "1.0.1-nightly.20261126");
    const cluster = new FakeCluster({ chart: "app", version: "1.0.0-nightly.20261124", status: "deployed" });
    const refused = await sync(cluster);
    expect(refused.code).toBe(22);
    expect(refused.line.skipped).toEqual([
      { version: "1.0.1-nightly.20261126", reason: "refused: it is not signed (no cosign signature in the registry)" },
    ]);
    expect(cluster.helmCalls).toEqual([]);
  });
});

describe("the canaries: the signing key and its password", () => {
  it("appear in no output, no file of the project, and no blob of the registry", () => {
    expect(runs.length).toBeGreaterThan(3);
    const pemBody = pemFragment(keys.pem);
    const blobs = readdirSync(join(registry.dir, "data"), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name));
    expect(blobs.length).toBeGreaterThan(5);
    for (const needle of [PASSWORD, pemBody]) {
      for (const r of runs) expect(`${r.stdout}${r.stderr}`).not.toContain(needle);
      expect(filesContaining(project, needle)).toEqual([]);
      expect(blobs.filter((file) => readFileSync(file).includes(needle))).toEqual([]);
    }
  });
});
