import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../../src/cli/program.js";
import { startRegistry, type LocalRegistry } from "../../kit/index.js";
import { RegistryClient } from "../../../src/registry/index.js";
import { cosignArgs, signatureTag } from "../../../src/signing/index.js";
import type { SyncResult } from "../../../src/updater/index.js";
import { valid } from "../../kit/json-schema.js";
import { pushChartVersion, pushImage } from "../../kit/registry-content.js";
import { PINNED_IMAGES_ANNOTATION } from "../../../src/chart/index.js";
import { tempTree } from "../../kit/temp-dir.js";
import { FakeCluster } from "../../kit/fake-cluster.js";
import { builtTool, cosignKeyPair, must } from "../../kit/sigstore.js";

// The updater installs only what the pipeline's key signed. The registry and cosign are
// real; the cluster is the FAKE one (no Kubernetes control plane here yet): it answers
// what is deployed and records any helm call, and a refusal must make none.
let registry: LocalRegistry;
let chart: string;
let ours: { privateKey: string; publicKey: string; pem: string };
let theirs: { privateKey: string; publicKey: string; pem: string };
const digests = new Map<string, string>();
const PASSWORD = "verify-suite-password";

async function sign(version: string, key: { privateKey: string }, password: string): Promise<void> {
  await must(
    builtTool("cosign"),
    cosignArgs.sign(key.privateKey, `${chart}@${digests.get(version)}`, { plainHttp: true }),
    { env: { ...process.env, COSIGN_PASSWORD: password } },
  );
}

async function sync(
  cluster: FakeCluster,
  env: Record<string, string>,
  extra: string[] = [],
): Promise<{ code: number; result: SyncResult; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(
    [
      "sync",
      "--chart",
      `oci://${chart}`,
      "--release",
      "hyrax",
      "--namespace",
      "samvera",
      "--policy",
      "^3",
      "--json",
      ...extra,
    ],
    {
      stdout: (t) => void (stdout += t),
      stderr: (t) => void (stderr += t),
      env,
      cwd: "/",
      now: () => new Date("2026-11-25T03:00:00Z"),
    },
    cluster,
  );
  // A usage error is no sync decision: its JSON is the error's (schemas/error.schema.json).
  if (code === 2 && !stdout.includes('"action"'))
    return { code, result: undefined as never, stderr: `${stdout}${stderr}` };
  return { code, result: valid("sync", stdout.trim().split("\n").pop()!), stderr };
}

beforeAll(async () => {
  registry = await startRegistry();
  chart = `${registry.host}/samvera/charts/hyrax`;
  const keys = tempTree();
  ours = await cosignKeyPair(join(keys, "ours"), PASSWORD);
  theirs = await cosignKeyPair(join(keys, "theirs"), "their-password");
  for (const version of ["3.7.4", "3.7.5", "3.8.0", "3.9.0"])
    digests.set(version, await pushChartVersion(chart, version));
  await sign("3.7.4", ours, PASSWORD);
});
afterAll(async () => registry?.stop());

describe("charthouse sync --verify-key", () => {
  it(
    "a token holder without the key pushes newer charts: unsigned, signed by another key, a signature copied from a " +
      "signed version; each is refused with its reason and nothing is installed (exit 22)",
    async () => {
      // 3.7.5 unsigned; 3.8.0 signed by another key; 3.9.0 carries 3.7.4's genuine signature under its own digest's
      // tag.
      await sign("3.8.0", theirs, "their-password");
      const client = new RegistryClient();
      const genuine = (await client.getManifest(chart, signatureTag(digests.get("3.7.4")!)))!;
      await client.putManifest(chart, signatureTag(digests.get("3.9.0")!), genuine);

      const cluster = new FakeCluster({ chart: "hyrax", version: "3.7.4", status: "deployed" });
      const { code, result } = await sync(cluster, {}, ["--verify-key", ours.publicKey]);
      expect(cluster.helmCalls).toEqual([]);
      expect(code).toBe(22);
      expect(result.action).toBe("refused");
      expect(result.skipped).toEqual([
        {
          version: "3.9.0",
          reason: `refused: its signature is of ${digests.get("3.7.4")}, not of ${digests.get("3.9.0")}`,
        },
        {
          version: "3.8.0",
          reason: "refused: its signature does not verify with the key (signed by another key, or altered)",
        },
        { version: "3.7.5", reason: "refused: it is not signed (no cosign signature in the registry)" },
      ]);
      expect(result.message).toMatch(
        /^refused every newer version: 3\.9\.0 \(.*\); 3\.8\.0 \(.*\); 3\.7\.5 \(.*\); 3\.7\.4 stays installed$/,
      );
    },
  );

  it(
    "installs the newest version the key signed, by digest, naming what it refused on the way (the key from the " +
      "environment)",
    async () => {
      await sign("3.7.5", ours, PASSWORD);
      const cluster = new FakeCluster({ chart: "hyrax", version: "3.7.4", status: "deployed" });
      const { code, result } = await sync(cluster, { CHARTHOUSE_VERIFY_KEY: readFileSync(ours.publicKey, "utf8") });
      expect(code).toBe(10);
      expect(result).toMatchObject({ action: "upgraded", installed: "3.7.5", digest: digests.get("3.7.5") });
      expect(result.skipped.map((s) => s.version)).toEqual(["3.9.0", "3.8.0"]);
      expect(cluster.helmCalls).toHaveLength(1);
      expect(cluster.helmCalls[0]).toContain(`oci://${chart}@${digests.get("3.7.5")}`);
    },
  );

  it("without a key, sync installs the newest whatever signs it (as before)", async () => {
    const cluster = new FakeCluster({ chart: "hyrax", version: "3.7.4", status: "deployed" });
    const { result } = await sync(cluster, {}, ["--dry-run"]);
    expect(result.installed).toBe("3.9.0");
  });

  it(
    "a chart the key signed that pins an image the key did not sign is refused, naming the image; once the image is " +
      "signed it installs",
    async () => {
      const image = `${registry.host}/samvera/dassie`;
      const imageDigest = await pushImage(registry.host, image, "nightly-20261126", {});
      const pinned = `${image}:nightly-20261126@${imageDigest}`;
      digests.set(
        "4.0.0",
        await pushChartVersion(chart, "4.0.0", { annotations: { [PINNED_IMAGES_ANNOTATION]: pinned } }),
      );
      await sign("4.0.0", ours, PASSWORD);
      const cluster = new FakeCluster({ chart: "hyrax", version: "3.9.0", status: "deployed" });
      const refused = await sync(cluster, {}, ["--verify-key", ours.publicKey, "--policy", "^4"]);
      expect(refused.code).toBe(22);
      expect(refused.result.skipped).toEqual([
        {
          version: "4.0.0",
          reason: `refused: the image it pins, ${pinned}: is not signed (no cosign signature in the registry)`,
        },
      ]);
      expect(cluster.helmCalls).toEqual([]);

      await must(
        builtTool("cosign"),
        cosignArgs.sign(ours.privateKey, `${image}@${imageDigest}`, { plainHttp: true }),
        {
          env: { ...process.env, COSIGN_PASSWORD: PASSWORD },
        },
      );
      const installed = await sync(cluster, {}, ["--verify-key", ours.publicKey, "--policy", "^4"]);
      expect(installed.code).toBe(10);
      expect(installed.result).toMatchObject({ action: "upgraded", installed: "4.0.0" });
    },
  );

  it("a private key, or no key at all, for --verify-key is a usage error naming the fix (exit 2)", async () => {
    const priv = await sync(new FakeCluster(null), {}, ["--verify-key", ours.privateKey]);
    expect(priv.code).toBe(2);
    expect(priv.stderr).toMatch(/--verify-key .*cosign\.key is not a public key in PEM form: give cosign\.pub/);
    const missing = await sync(new FakeCluster(null), {}, ["--verify-key", "/no/such/cosign.pub"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--verify-key \/no\/such\/cosign\.pub: no such file/);
  });
});
