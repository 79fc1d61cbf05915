import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { helmArgs, PINNED_IMAGES_ANNOTATION } from "../../../src/chart/index.js";
import { helmBinary } from "../../../src/exec/index.js";
import { HELM3 } from "../../kit/cluster/helm.js";
import { startRegistry, type LocalRegistry } from "../../kit/index.js";
import { RegistryClient } from "../../../src/registry/index.js";
import { toolEnvironment } from "../../../src/engines/docker/index.js";
import { attestationTag, cosignArgs, signatureTag } from "../../../src/signing/index.js";
import { runProcess } from "../../../src/exec/index.js";
import { runCli } from "../../../src/cli/program.js";
import { charthouse, type CliRun } from "../../kit/cli.js";
import { CANARY, creds, GPG_CANARY, pushChartVersion, SIGNING_CANARY } from "../../kit/registry-content.js";
import { FakeCluster } from "../../kit/fake-cluster.js";
import { exampleProject, filesContaining, tempTree } from "../../kit/temp-dir.js";
import {
  builtTool,
  cosignKeyPair,
  debianSkopeo,
  gpgKeyring,
  keyOnlyTrustedRoot,
  must,
  pemFragment,
  sigstorePolicy,
} from "../../kit/sigstore.js";
import { pushOneLayerImage } from "../../kit/oci-image.js";
import { joined } from "../../kit/regex.js";

// charthouse publish with a cosign key and a GnuPG key, for real, verified by the tools users
// verify with: cosign verify and verify-attestation, helm pull --verify. The secrets are
// canaries: none may appear in any output, file or registry blob.
const SHA = "bbbb000000000000000000000000000000000001";
const PASSWORD = SIGNING_CANARY;
const PASSPHRASE = GPG_CANARY;
const IMAGES = ["hyrax-base", "hyrax-worker-base", "dassie", "dassie-worker"];
const ci = creds("ci", CANARY);
let registry: LocalRegistry;
let project: string;
let keys: { privateKey: string; publicKey: string; pem: string };
let gpg: { secring: string; pubring: string };
let work: string;
const runs: CliRun[] = [];
const repo = (name: string) => `${registry.host}/samvera/${name}`;
const client = () => new RegistryClient({ credentials: ci });
/** docker, helm, cosign and syft for the verifiers: the registry login through the credential helper, never a file. */
const tools = () => ({
  ...toolEnvironment(join(work, "tools"), registry.host, ci),
  PATH: `${dirname(builtTool("cosign"))}:${toolEnvironment(join(work, "tools"), registry.host, ci).PATH}`,
});

function signingEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    DOCKER_HOST: inject("dockerHost"),
    HOME: process.env.HOME ?? "/root",
    PATH: [dirname(builtTool("cosign")), dirname(builtTool("syft")), process.env.PATH].join(":"),
    CHARTHOUSE_REGISTRY_USERNAME: "ci",
    CHARTHOUSE_REGISTRY_PASSWORD: CANARY,
    CHARTHOUSE_SIGNING_KEY: keys.pem,
    CHARTHOUSE_SIGNING_PASSWORD: PASSWORD,
    CHARTHOUSE_GPG_PASSPHRASE: PASSPHRASE,
    ...extra,
  };
}

async function publish(args: string[], env = signingEnv()): Promise<CliRun> {
  const result = await charthouse(["publish", ...args], { cwd: project, env });
  runs.push(result);
  return result;
}

/** Verifiers trust the key alone, as an air-gapped operator does: no TUF fetch of the public-good root. */
const trustedRoot = () => keyOnlyTrustedRoot(join(work, "sigstore"));
const digest = async (name: string, tag: string) => (await client().headManifest(repo(name), tag))?.digest;

beforeAll(async () => {
  registry = await startRegistry({ kind: "htpasswd", users: { ci: CANARY } });
  project = exampleProject(`${registry.host}/samvera`);
  work = tempTree();
  keys = await cosignKeyPair(join(work, "cosign"), PASSWORD);
  gpg = await gpgKeyring(join(work, "gpg"), "charthouse signing test", PASSPHRASE);
});
afterAll(async () => {
  await registry?.stop();
});

describe("charthouse publish signs what it publishes", () => {
  it(
    "nightly with a cosign key and a GnuPG key: every image digest and the chart signed and attested before the " +
      "aliases move",
    async () => {
      const run = await publish([
        "--nightly",
        "--date",
        "2026-11-24",
        "--sha",
        SHA,
        "--gpg-keyring",
        gpg.secring,
        "--gpg-key",
        "charthouse signing test",
      ]);
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      for (const name of IMAGES)
        expect(run.stdout).toMatch(
          new RegExp(`sign and attest ${repo(name)}:nightly-20261124 … ok .*1 signature\\(s\\), 2 attestation\\(s\\)`),
        );
      expect(run.stdout).toMatch(
        new RegExp(
          `sign and attest ${repo("charts/hyrax")}:3.7.4-nightly.20261124 … ok ` +
            ".*1 signature\\(s\\), 1 attestation\\(s\\)",
        ),
      );
      // The order: the last signature before the first alias move.
      const lines = run.stdout.split("\n");
      const lastSign = lines.findLastIndex((l) => l.includes("sign and attest"));
      const firstMove = lines.findIndex((l) => /\] move /.test(l));
      expect(lastSign).toBeLessThan(firstMove);
      for (const name of IMAGES) {
        const d = (await digest(name, "nightly-20261124"))!;
        expect(await client().headManifest(repo(name), signatureTag(d))).not.toBeNull();
        expect(await client().headManifest(repo(name), attestationTag(d))).not.toBeNull();
      }
    },
  );

  it("cosign verify --key accepts every image and the chart by tag; a different key is refused", async () => {
    for (const name of [...IMAGES, "charts/hyrax"]) {
      const tag = name === "charts/hyrax" ? "3.7.4-nightly.20261124" : "nightly-20261124";
      const out = await must(
        builtTool("cosign"),
        cosignArgs.verify(keys.publicKey, `${repo(name)}:${tag}`, { plainHttp: true, trustedRoot: trustedRoot() }),
        { env: tools() },
      );
      expect(out).toContain(`"docker-manifest-digest":"${await digest(name, tag.replace("+", "_"))}"`);
      // The key alone is trusted: cosign asked no TUF mirror for the public-good root (it warns when it tries).
      expect(out).not.toMatch(/TUF|trusted_root\.json/);
    }
    const other = await cosignKeyPair(join(work, "other"), "other-password");
    const refused = await runProcess(
      builtTool("cosign"),
      cosignArgs.verify(other.publicKey, `${repo("dassie")}:nightly-20261124`, {
        plainHttp: true,
        trustedRoot: trustedRoot(),
      }),
      { env: tools() },
    );
    expect(refused.code).not.toBe(0);
    expect(refused.output).toMatch(/no matching signatures|invalid signature/i);
  });

  it("cosign verify-attestation accepts the SBOM and the provenance, which names the commit and gates", async () => {
    const reference = `${repo("dassie")}:nightly-20261124`;
    const sbom = await must(
      builtTool("cosign"),
      cosignArgs.verifyAttestation(keys.publicKey, reference, "spdxjson", {
        plainHttp: true,
        trustedRoot: trustedRoot(),
      }),
      { env: tools() },
    );
    const sbomStatement = JSON.parse(
      Buffer.from(JSON.parse(sbom.trim().split("\n").pop()!).payload, "base64").toString("utf8"),
    );
    expect(sbomStatement.predicateType).toBe("https://spdx.dev/Document");
    expect(sbomStatement.predicate.spdxVersion).toMatch(/^SPDX-2\./);
    const prov = await must(
      builtTool("cosign"),
      cosignArgs.verifyAttestation(keys.publicKey, reference, "slsaprovenance1", {
        plainHttp: true,
        trustedRoot: trustedRoot(),
      }),
      { env: tools() },
    );
    const statement = JSON.parse(
      Buffer.from(JSON.parse(prov.trim().split("\n").pop()!).payload, "base64").toString("utf8"),
    );
    expect(statement.subject[0].digest.sha256).toBe((await digest("dassie", "nightly-20261124"))!.slice(7));
    expect(statement.predicate.buildDefinition.resolvedDependencies[0].digest.gitCommit).toBe(SHA);
    expect(statement.predicate.buildDefinition.internalParameters.gates).toEqual(
      expect.arrayContaining([expect.stringMatching(/^build dassie/), expect.stringMatching(/^test in dassie/)]),
    );
    expect(statement.predicate.runDetails.byproducts[0].name).toBe("config");
  });

  // A second verifier, independent of cosign: containers/image's sigstoreSigned policy, as skopeo, podman and
  // CRI-O apply it when an operator pulls only what the pipeline signed.
  it("skopeo's sigstoreSigned policy admits the signed image, refuses another key's and an unsigned one", async () => {
    const skopeo = debianSkopeo();
    const scope = `${registry.host}/samvera`;
    const copy = async (publicKey: string, reference: string, into: string) => {
      const { policy, registriesD } = sigstorePolicy(join(work, `policy-${into}`), scope, publicKey);
      // The policy decides on the source; the copy in an OCI layout keeps no signatures.
      const args = [
        "--policy",
        policy,
        "--registries.d",
        registriesD,
        "copy",
        "--remove-signatures",
        "--src-tls-verify=false",
      ];
      const source = ["--src-creds", `ci:${CANARY}`, `docker://${reference}`, `oci:${join(work, into)}:copied`];
      return runProcess(skopeo, [...args, ...source]);
    };
    const signed = await copy(keys.publicKey, `${repo("dassie")}:nightly-20261124`, "signed");
    expect(signed.output).not.toMatch(/rejected|error/i);
    expect(signed.code, signed.output).toBe(0);
    expect(readFileSync(join(work, "signed", "index.json"), "utf8")).toContain(
      '"org.opencontainers.image.ref.name":"copied"',
    );

    const other = await cosignKeyPair(join(work, "skopeo-other"), "other-password");
    const foreign = await copy(other.publicKey, `${repo("dassie")}:nightly-20261124`, "foreign");
    expect(foreign.code).not.toBe(0);
    expect(foreign.output).toMatch(/Source image rejected: .*(signature|verification)/i);

    const unsigned = await pushOneLayerImage(
      client(),
      repo("unsigned"),
      gzipSync(Buffer.from("not signed")),
      {
        architecture: "amd64",
        os: "linux",
        rootfs: { type: "layers", diff_ids: [] },
      },
      "latest",
    );
    expect(unsigned.digest).toMatch(/^sha256:/);
    const refused = await copy(keys.publicKey, `${repo("unsigned")}:latest`, "unsigned");
    expect(refused.code).not.toBe(0);
    expect(refused.output).toMatch(/Source image rejected: A signature was required, but no signature exists/);
  });

  // helm 3 beside helm 4: clusters and operators still run both, and each must accept the .prov.
  it.each([
    ["helm 4", helmBinary()],
    ["helm 3", HELM3],
  ])("%s pull --verify checks the chart's provenance against the public keyring", async (name, helm) => {
    const dest = join(work, `pulled-${name.replace(" ", "")}`);
    mkdirSync(dest);
    const pulled = await runProcess(
      helm,
      [
        ...helmArgs.pull(`oci://${registry.host}/samvera/charts/hyrax`, "3.7.4-nightly.20261124", dest, {
          plainHttp: true,
        }),
        "--verify",
        "--keyring",
        gpg.pubring,
      ],
      { env: tools() },
    );
    expect(pulled.output).toMatch(/Signed by: charthouse signing test/);
    expect(pulled.code).toBe(0);
    expect(readFileSync(join(dest, "hyrax-3.7.4-nightly.20261124.tgz.prov"), "utf8")).toMatch(
      /^-----BEGIN PGP SIGNED MESSAGE-----/,
    );
  });

  it(
    "sync --verify-key installs the chart the pipeline signed; a newer one pushed by a token holder without the key " +
      "is refused and the release stays",
    async () => {
      const sync = async (cluster: FakeCluster, extra: string[] = []) => {
        let stdout = "";
        let stderr = "";
        const args = [
          "sync",
          "--chart",
          `oci://${repo("charts/hyrax")}`,
          "--release",
          "hyrax",
          "--namespace",
          "samvera",
          "--policy",
          "nightly",
          "--verify-key",
          keys.publicKey,
          "--json",
          ...extra,
        ];
        const io = {
          stdout: (t: string) => void (stdout += t),
          stderr: (t: string) => void (stderr += t),
          env: { CHARTHOUSE_REGISTRY_USERNAME: "ci", CHARTHOUSE_REGISTRY_PASSWORD: CANARY },
          cwd: "/",
          now: () => new Date("2026-11-26T03:00:00Z"),
        };
        const code = await runCli(args, io, cluster);
        const result = { code, stdout, stderr };
        runs.push(result);
        return { code: result.code, line: JSON.parse(result.stdout.trim().split("\n").pop()!) };
      };
      // The chart names the images it pins, and sync checks their signatures too.
      const manifest = JSON.parse(
        (await client().getManifest(repo("charts/hyrax"), "3.7.4-nightly.20261124"))!.bytes.toString("utf8"),
      );
      const config = JSON.parse(
        (await client().getBlob(repo("charts/hyrax"), manifest.config.digest)).toString("utf8"),
      );
      expect(config.annotations[PINNED_IMAGES_ANNOTATION]).toContain(
        `${repo("dassie")}:nightly-20261124@${await digest("dassie", "nightly-20261124")}`,
      );
      const fresh = new FakeCluster(null);
      const first = await sync(fresh, ["--dry-run"]);
      expect(first.line).toMatchObject({
        action: "upgraded",
        installed: "3.7.4-nightly.20261124",
        digest: await digest("charts/hyrax", "3.7.4-nightly.20261124"),
      });

      // Someone with the registry token, but not the key, pushes a newer nightly.
      await pushChartVersion(repo("charts/hyrax"), "3.7.5-nightly.20261126", { credentials: ci });
      const cluster = new FakeCluster({ chart: "hyrax", version: "3.7.4-nightly.20261124", status: "deployed" });
      const refused = await sync(cluster);
      expect(refused.code).toBe(22);
      expect(refused.line.skipped).toEqual([
        {
          version: "3.7.5-nightly.20261126",
          reason: "refused: it is not signed (no cosign signature in the registry)",
        },
      ]);
      expect(cluster.helmCalls).toEqual([]);
    },
  );

  it("a wrong password is refused before anything is built or pushed (exit 2)", async () => {
    const run = await publish(
      ["--nightly", "--date", "2026-11-25", "--sha", SHA],
      signingEnv({ CHARTHOUSE_SIGNING_PASSWORD: "wrong-password" }),
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      joined(
        /the cosign signing key does not open with its password .*/,
        /check CHARTHOUSE_SIGNING_PASSWORD\. Nothing was built or pushed\./,
      ),
    );
    for (const name of IMAGES) expect(await digest(name, "nightly-20261125")).toBeUndefined();
  });

  it("a key given two ways, or a public key for a private one, is a usage error naming the fix (exit 2)", async () => {
    const twice = await publish(["--nightly", "--sha", SHA, "--signing-key", keys.privateKey]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(
      /the cosign signing key was given 2 ways \(--signing-key, CHARTHOUSE_SIGNING_KEY\): give it one way/,
    );
    const pub = await publish(
      ["--nightly", "--sha", SHA],
      signingEnv({ CHARTHOUSE_SIGNING_KEY: readFileSync(keys.publicKey, "utf8") }),
    );
    expect(pub.code).toBe(2);
    expect(pub.stderr).toMatch(
      /the signing key from CHARTHOUSE_SIGNING_KEY is a public key \(cosign\.pub\); sign with the private one/,
    );
  });
});

describe("the canaries: the signing key, its password, the GnuPG passphrase and the registry password", () => {
  it("appear in no output, no file of the project, and no blob or layer of the registry", () => {
    expect(runs.length).toBeGreaterThan(3);
    const pemBody = pemFragment(keys.pem);
    for (const needle of [PASSWORD, PASSPHRASE, pemBody, CANARY]) {
      for (const r of runs) expect(`${r.stdout}${r.stderr}`).not.toContain(needle);
      expect(filesContaining(project, needle)).toEqual([]);
      expect(layersContaining(join(registry.dir, "data"), needle)).toEqual([]);
    }
  });
});

/** Every registry blob containing `needle`, as stored or, for a gzipped layer, unpacked. */
function layersContaining(root: string, needle: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name === "data")
    .map((e) => join(e.parentPath, e.name))
    .filter((file) => {
      const bytes = readFileSync(file);
      if (bytes.includes(needle)) return true;
      try {
        return gunzipSync(bytes).includes(needle);
      } catch {
        return false;
      }
    });
}
