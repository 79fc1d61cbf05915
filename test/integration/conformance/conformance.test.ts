import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { canonicalizePackage, settleChartStage, stampTimes } from "../../../src/chart-fs/index.js";
import { helmArgs } from "../../../src/chart/index.js";
import { commitTimeFromObjects } from "../../../src/context/git-objects.js";
import { helmBinary } from "../../../src/exec/index.js";
import { readTag, RegistryClient } from "../../../src/registry/index.js";
import { charthouse } from "../../kit/cli.js";
import { harnessCredentials, useModuleHarness, type DaggerCall } from "../../kit/module-harness.js";
import { CANARY, GPG_CANARY, SIGNING_CANARY } from "../../kit/registry-content.js";
import { builtTool, cosignKeyPair, gpgKeyring } from "../../kit/sigstore.js";
import { tempTree } from "../../kit/temp-dir.js";
import type { Effect } from "../../kit/fake-engine.js";
import { versionToTag } from "../../../src/plan/formats.js";
import { pushBaseIndex } from "../../kit/base-index.js";
import { COMMIT_TIME, conformanceProject } from "./project.js";
import { scenarios, type DaggerRun, type DockerRun, type Worlds } from "./scenarios.js";

// One list of scenarios, run against both engines: the Docker runner for real (dockerd,
// registry, helm), the Dagger module through the engine-faithful harness and the FAKE
// recording engine. The registry is the harness's for both.
const harness = useModuleHarness();
let namespaces = 0;
const once = <T>(make: () => Promise<T>): (() => Promise<T>) => {
  let value: Promise<T> | undefined;
  return () => (value ??= make());
};

/** The multi-platform project's base: an index of busybox for both platforms in the harness's registry. */
const multiPlatformBase = once(async () =>
  pushBaseIndex(new RegistryClient({ credentials: harnessCredentials }), harness.host()),
);

function dockerRun(
  args: string[] | (() => string[]),
  opts: { failingSmoke?: boolean; multiPlatform?: boolean; env?: () => Record<string, string> } = {},
): () => Promise<DockerRun> {
  return once(async () => {
    const namespace = `conformance-docker${++namespaces}`;
    const project = conformanceProject(`${harness.host()}/${namespace}`, {
      failingSmoke: opts.failingSmoke,
      ...(opts.multiPlatform ? { multiPlatform: { base: await multiPlatformBase() } } : {}),
    });
    const run = await charthouse(typeof args === "function" ? args() : args, {
      cwd: project,
      env: {
        DOCKER_HOST: inject("dockerHost"),
        CHARTHOUSE_REGISTRY_USERNAME: "ci",
        CHARTHOUSE_REGISTRY_PASSWORD: CANARY,
        HOME: process.env.HOME ?? "/root",
        ...opts.env?.(),
      },
    });
    const client = new RegistryClient({ credentials: harnessCredentials });
    const repo = (name: string) => `${harness.host()}/${namespace}/${name}`;
    return {
      code: run.code,
      output: `${run.stdout}${run.stderr}`,
      tags: (name) => client.listTags(repo(name)),
      created: async (name, tag) => (await readTag(client, repo(name), tag))?.created,
      digest: async (name, tag) => (await client.headManifest(repo(name), tag))?.digest,
      index: async (name, tag) => {
        const top = await client.getManifest(repo(name), tag);
        const json =
          top &&
          (JSON.parse(top.bytes.toString("utf8")) as {
            manifests?: { digest: string; platform: { os: string; architecture: string } }[];
            annotations?: Record<string, string>;
          });
        if (!json?.manifests) return null;
        const childRevisions = await Promise.all(
          json.manifests.map(async (m) => {
            const child = JSON.parse((await client.getManifest(repo(name), m.digest))!.bytes.toString("utf8")) as {
              config: { digest: string };
            };
            const config = JSON.parse((await client.getBlob(repo(name), child.config.digest)).toString("utf8")) as {
              config: { Labels?: Record<string, string> };
            };
            return config.config.Labels?.["org.opencontainers.image.revision"];
          }),
        );
        return {
          platforms: json.manifests.map((m) => `${m.platform.os}/${m.platform.architecture}`),
          childRevisions,
          revision: json.annotations?.["org.opencontainers.image.revision"],
        };
      },
      provenance: async (name, version) => {
        const manifest = JSON.parse(
          (await client.getManifest(repo(name), versionToTag(version)))!.bytes.toString("utf8"),
        ) as { layers: { mediaType: string; digest: string }[] };
        const prov = manifest.layers.find((l) => l.mediaType === "application/vnd.cncf.helm.chart.provenance.v1.prov");
        const chart = manifest.layers.find(
          (l) => l.mediaType === "application/vnd.cncf.helm.chart.content.v1.tar+gzip",
        );
        return prov && chart
          ? { text: (await client.getBlob(repo(name), prov.digest)).toString("utf8"), chartDigest: chart.digest }
          : undefined;
      },
      chartValues: async (name, version) => {
        const manifest = JSON.parse(
          (await client.getManifest(repo(name), versionToTag(version)))!.bytes.toString("utf8"),
        ) as { layers: { digest: string }[] };
        const tgz = await client.getBlob(repo(name), manifest.layers[0]!.digest);
        return execFileSync("tar", ["-xzO", "-f", "-", `${name.split("/").pop()}/values.yaml`], {
          input: tgz,
          encoding: "utf8",
        });
      },
    };
  });
}

/**
 * The module's call on the conformance project; the fake engine answers the one exec whose output matters (the commit
 * time) by running it.
 */
function daggerRun(
  fn: string,
  args: Record<string, unknown>,
  opts: { failingSmoke?: boolean; multiPlatform?: boolean; project?: () => string } = {},
): () => Promise<DaggerRun & { call: DaggerCall }> {
  return once(async () => {
    const namespace = `conformance-dagger${++namespaces}`;
    // The fake engine pulls nothing: the base only has to be named.
    const multiPlatform = opts.multiPlatform ? { base: `${harness.host()}/charthouse/busybox:1.35` } : undefined;
    const project =
      opts.project?.() ??
      conformanceProject(`${harness.host()}/${namespace}`, {
        failingSmoke: opts.failingSmoke,
        ...(multiPlatform ? { multiPlatform } : {}),
      });
    const call = await harness.call(fn, { source: project, ...args }, (engine) => {
      engine.imageUser = "1000:1000";
      // The fake runs no command: the smoke test that must fail fails there as it does on Docker.
      if (opts.failingSmoke) engine.failExec = (exec) => exec.join(" ").includes('"$WRAPPED" = no');
      const template = engine.execStdout;
      engine.execStdout = (exec, mounts) => {
        const commit = exec.join(" ").match(/commitTimeFromObjects\("\/git", "([0-9a-f]{40})"\)/)?.[1];
        return commit && mounts["/git"]
          ? (commitTimeFromObjects(mounts["/git"], commit) ?? "")
          : template(exec, mounts);
      };
    });
    const client = new RegistryClient({ credentials: harnessCredentials });
    const digest = async (name: string, tag: string) =>
      (await client.headManifest(`${harness.host()}/${namespace}/${name}`, tag))?.digest;
    // What `dagger call publish` prints: the function's return value (the run's progress and result).
    const output = call.returned && "value" in call.returned ? String(JSON.parse(call.returned.value)) : "";
    return { call, failed: call.run.code !== 0, effects: call.effects, digest, output };
  });
}

/**
 * The chart the Dagger adapter staged (its recorded tree), packaged by replaying its recorded helm calls with the real
 * helm.
 */
function replayChartPackage(effects: readonly Effect[]): Buffer {
  const stage = effects.filter((e) => e.kind === "mount" && e.detail.path === "/src" && e.detail.trees).at(-1)!
    .detail as {
    trees: { path: string; from: string }[];
    files: Record<string, string>;
    timestamps: number;
  };
  const execs = effects.filter((e) => e.kind === "exec").map((e) => (e.detail.args as string[]).join(" "));
  expect(execs).toContain("helm dependency build /src/chart/app");
  expect(execs).toContain("helm package /src/chart/app --destination /out");
  expect(execs.some((e) => e.includes('lib.canonicalizePackage("/out/app-1.0.0-nightly.20261124.tgz")'))).toBe(true);
  const root = tempTree();
  for (const tree of stage.trees) {
    mkdirSync(dirname(join(root, tree.path)), { recursive: true });
    cpSync(tree.from, join(root, tree.path), { recursive: true });
  }
  for (const [path, content] of Object.entries(stage.files)) writeFileSync(join(root, path), content);
  const time = new Date(stage.timestamps * 1000);
  stampTimes(root, time);
  const helm = (args: string[]) =>
    execFileSync(helmBinary(), args, {
      env: { ...process.env, HELM_CACHE_HOME: join(root, ".helm-cache") },
      stdio: "pipe",
    });
  const chartDir = join(root, "chart/app");
  helm(helmArgs.dependencyBuild(chartDir));
  settleChartStage(
    { chartDir: "chart/app", dirs: stage.trees.map((t) => t.path), files: stage.files, time: time.toISOString() },
    root,
  );
  const out = tempTree();
  helm(helmArgs.package(chartDir, out));
  const file = join(out, readdirSync(out)[0]!);
  canonicalizePackage(file);
  return readFileSync(file);
}

const nightly = ["--nightly", "--date", "2026-11-24"];
// A cosign key pair for the signed publishes: the Docker run gets it in its environment, the
// module as Secrets (env:// URIs the fake engine resolves).
let signingPem = "";
beforeAll(async () => {
  const keys = await cosignKeyPair(join(tempTree(), "cosign"), SIGNING_CANARY);
  signingPem = keys.pem;
  process.env.CHARTHOUSE_TEST_SIGNING_KEY = keys.pem;
  process.env.CHARTHOUSE_TEST_SIGNING_PASSWORD = SIGNING_CANARY;
});
// A GnuPG key for helm provenance: the Docker run gets the keyring's path and the passphrase in its environment, the
// module both as Secrets. The keyring's text (base64 here, as a CI secret holds it) is a canary as the passphrase is.
const GPG_KEY = "charthouse conformance signing";
let gpg = { secring: "", text: "" };
beforeAll(async () => {
  const { secring } = await gpgKeyring(join(tempTree(), "gpg"), GPG_KEY, GPG_CANARY);
  gpg = { secring, text: readFileSync(secring).toString("base64") };
  process.env.CHARTHOUSE_TEST_GPG_KEYRING = gpg.text;
  process.env.CHARTHOUSE_TEST_GPG_PASSPHRASE = GPG_CANARY;
});
const signingEnv = () => ({
  PATH: [dirname(builtTool("cosign")), dirname(builtTool("syft")), process.env.PATH].join(":"),
  CHARTHOUSE_SIGNING_KEY: signingPem,
  CHARTHOUSE_SIGNING_PASSWORD: SIGNING_CANARY,
});
// One project (one commit) packaged by both engines.
let packageProject: string;
beforeAll(() => {
  packageProject = conformanceProject(`${harness.host()}/conformance-package`);
});
const daggerSigned = daggerRun("publish", {
  nightly: true,
  date: "2026-11-24",
  registryUsername: "ci",
  registryPassword: "env://CHARTHOUSE_TEST_REGISTRY_TOKEN",
  signingKey: "env://CHARTHOUSE_TEST_SIGNING_KEY",
  signingPassword: "env://CHARTHOUSE_TEST_SIGNING_PASSWORD",
});
const daggerProvenance = daggerRun("publish", {
  nightly: true,
  date: "2026-11-24",
  registryUsername: "ci",
  registryPassword: "env://CHARTHOUSE_TEST_REGISTRY_TOKEN",
  gpgKeyring: "env://CHARTHOUSE_TEST_GPG_KEYRING",
  gpgKey: GPG_KEY,
  gpgPassphrase: "env://CHARTHOUSE_TEST_GPG_PASSPHRASE",
});
const worlds: Worlds = {
  docker: {
    publish: dockerRun(["publish", ...nightly]),
    failingGate: dockerRun(["publish", ...nightly], { failingSmoke: true }),
    dryRun: dockerRun(["publish", ...nightly, "--dry-run"]),
    signedPublish: dockerRun(["publish", ...nightly], { env: signingEnv }),
    provenancePublish: dockerRun(() => ["publish", ...nightly, "--gpg-keyring", gpg.secring, "--gpg-key", GPG_KEY], {
      env: () => ({ CHARTHOUSE_GPG_PASSPHRASE: GPG_CANARY }),
    }),
    chartPackage: once(async () => {
      const out = tempTree();
      const run = await charthouse(["package", ...nightly, "--output", out], {
        cwd: packageProject,
        env: { HOME: process.env.HOME ?? "/root" },
      });
      expect(run.code, run.stderr).toBe(0);
      return readFileSync(join(out, "app-1.0.0-nightly.20261124.tgz"));
    }),
    multiPlatform: dockerRun(["publish", ...nightly], { multiPlatform: true }),
  },
  dagger: {
    publish: daggerRun("publish", {
      nightly: true,
      date: "2026-11-24",
      registryUsername: "ci",
      registryPassword: "env://CHARTHOUSE_TEST_REGISTRY_TOKEN",
    }),
    failingGate: daggerRun(
      "publish",
      {
        nightly: true,
        date: "2026-11-24",
        registryUsername: "ci",
        registryPassword: "env://CHARTHOUSE_TEST_REGISTRY_TOKEN",
      },
      { failingSmoke: true },
    ),
    dryRun: daggerRun("publish", {
      nightly: true,
      date: "2026-11-24",
      dryRun: true,
      registryUsername: "ci",
      registryPassword: "env://CHARTHOUSE_TEST_REGISTRY_TOKEN",
    }),
    signedPublish: daggerSigned,
    provenancePublish: daggerProvenance,
    chartPackage: once(async () => {
      const { call, effects } = await daggerRun(
        "package",
        { nightly: true, date: "2026-11-24" },
        { project: () => packageProject },
      )();
      expect(call.run.code, call.run.output).toBe(0);
      return replayChartPackage(effects);
    }),
    multiPlatform: daggerRun(
      "publish",
      {
        nightly: true,
        date: "2026-11-24",
        registryUsername: "ci",
        registryPassword: "env://CHARTHOUSE_TEST_REGISTRY_TOKEN",
      },
      { multiPlatform: true },
    ),
  },
};

const list = scenarios(expect, COMMIT_TIME, () => signingPem, { key: GPG_KEY, passphrase: GPG_CANARY });

describe.each(list)("conformance: $name", (scenario) => {
  it("on Docker (for real)", () => scenario.docker(worlds.docker));
  it("on Dagger (the module through the harness, recorded)", () => scenario.dagger(worlds.dagger));
});

describe("conformance across engines", () => {
  it("the example-shaped chart packages to the same bytes through both engines' staging", async () => {
    const [docker, dagger] = [await worlds.docker.chartPackage(), await worlds.dagger.chartPackage()];
    expect(dagger.equals(docker)).toBe(true);
  });
});

describe("the signing secrets on Dagger", () => {
  it("the key and its password are in no engine query and no module output: only secret references", async () => {
    const { call } = await daggerSigned();
    const pemLine = signingPem.split("\n")[1]!;
    expect(call.engine.queries.length).toBeGreaterThan(20);
    for (const q of call.engine.queries)
      for (const needle of [SIGNING_CANARY, pemLine]) expect(q).not.toContain(needle);
    expect(call.run.output).not.toContain(SIGNING_CANARY);
    expect(call.run.output).not.toContain(pemLine);
    const secrets = call.effects.filter(
      (e) => e.kind === "secret-variable" && String(e.detail.name).startsWith("COSIGN_"),
    );
    for (const s of secrets) expect(String(s.detail.secret)).toMatch(/^fake-Secret-\d+$/);
  });
});

describe("the helm provenance secrets on Dagger", () => {
  it("the GnuPG keyring and passphrase appear in no query and no output: only secret references", async () => {
    const { call } = await daggerProvenance();
    expect(call.run.code, call.run.output).toBe(0);
    expect(call.engine.queries.length).toBeGreaterThan(20);
    for (const q of call.engine.queries) for (const needle of [GPG_CANARY, gpg.text]) expect(q).not.toContain(needle);
    for (const needle of [GPG_CANARY, gpg.text]) expect(call.run.output).not.toContain(needle);
    const secrets = call.effects.filter(
      (e) =>
        (e.kind === "secret-variable" && e.detail.name === "CHARTHOUSE_GPG_PASSPHRASE") || e.kind === "secret-mount",
    );
    expect(secrets.length).toBeGreaterThan(1);
    for (const s of secrets) expect(String(s.detail.secret)).toMatch(/^fake-Secret-\d+$/);
  });
});
