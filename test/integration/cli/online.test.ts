import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRegistry, type LocalRegistry } from "../../kit/index.js";
import { charthouse, type CliRun } from "../../kit/cli.js";
import { CANARY, creds, pushImage } from "../../kit/registry-content.js";
import { exampleProject, filesContaining } from "../../kit/temp-dir.js";
import { startTokenServer, type TokenServer } from "../../kit/token-server.js";

const SHA = "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d";
const IMAGES = ["hyrax-base", "hyrax-worker-base", "dassie", "dassie-worker"];
let tokens: TokenServer;
let registry: LocalRegistry;
let project: string;
const runs: CliRun[] = [];

/** Runs the CLI in the example project against the token registry, keeping every output for the canary check. */
async function run(args: string[], env: Record<string, string> = {}, stdin?: string): Promise<CliRun> {
  const result = await charthouse(args, { cwd: project, env, stdin });
  runs.push(result);
  return result;
}

beforeAll(async () => {
  tokens = await startTokenServer({
    maintainer: { password: CANARY, grants: () => ["pull", "push"] },
    // Like a token missing write access to one package.
    partial: { password: CANARY, grants: (repo) => (repo === "samvera/dassie-worker" ? ["pull"] : ["pull", "push"]) },
  });
  registry = await startRegistry({
    kind: "token",
    realm: tokens.realm,
    service: tokens.service,
    issuer: tokens.issuer,
    rootCertBundle: tokens.certFile,
  });
  project = exampleProject(`${registry.host}/samvera`);
});
afterAll(async () => {
  await registry?.stop();
  await tokens?.stop();
});

describe("charthouse check --online: the permissions preflight", () => {
  it("names the repository and scope the credentials lack, and exits 2", async () => {
    const result = await run(
      ["check", "--online", "--registry-username", "partial", "--registry-password-stdin"],
      {},
      `${CANARY}\n`,
    );
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(
      new RegExp(
        `${registry.host}/samvera/dassie-worker +repository:samvera/dassie-worker:pull,push +lacking: token grants ` +
          "pull on samvera/dassie-worker, not push",
      ),
    );
    expect(result.stdout).toMatch(
      new RegExp(`${registry.host}/samvera/dassie +repository:samvera/dassie:pull,push +ok`),
    );
    expect(result.stderr).toContain(
      `may not push to ${registry.host}/samvera/dassie-worker: grant them repository:samvera/dassie-worker:pull,push`,
    );
    // Nothing was pushed anywhere.
    const list = await run(["plan", "--online", "--sha", SHA, "--nightly", "--json"], {
      CHARTHOUSE_REGISTRY_USERNAME: "maintainer",
      CHARTHOUSE_REGISTRY_PASSWORD: CANARY,
    });
    expect(
      JSON.parse(list.stdout).images.every((i: { publication: { action: string } }) => i.publication.action === "push"),
    ).toBe(true);
  });

  it("passes with credentials that may push everywhere, from the environment", async () => {
    const result = await run(["check", "--online"], {
      CHARTHOUSE_REGISTRY_USERNAME: "maintainer",
      CHARTHOUSE_REGISTRY_PASSWORD: CANARY,
    });
    expect(result.code).toBe(0);
    expect(result.stdout.match(/ ok$/gm)).toHaveLength(5);
  });

  it("refuses a password without a username, saying what to pass", async () => {
    const result = await run(["check", "--online"], { CHARTHOUSE_REGISTRY_PASSWORD: CANARY });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/a registry password was given without a username: pass --registry-username/);
  });
});

describe("charthouse plan --online reads the registry's state", () => {
  it("plans a release's aliases against what the registry holds, and a rerun as nothing to do", async () => {
    const pusher = creds("maintainer", CANARY);
    for (const name of IMAGES) {
      const repo = `${registry.host}/samvera/${name}`;
      const digest = await pushImage(
        registry.host,
        repo,
        "5.0.0",
        { "org.opencontainers.image.revision": "0".repeat(40), "org.opencontainers.image.version": "5.0.0" },
        pusher,
      );
      for (const alias of ["5.0", "5", "latest"])
        await pushImage(
          registry.host,
          repo,
          alias,
          { "org.opencontainers.image.revision": "0".repeat(40), "org.opencontainers.image.version": "5.0.0" },
          pusher,
        );
      expect(digest).toMatch(/^sha256:/);
    }
    const env = { CHARTHOUSE_REGISTRY_USERNAME: "maintainer", CHARTHOUSE_REGISTRY_PASSWORD: CANARY };
    const plan = JSON.parse((await run(["plan", "--online", "--sha", SHA, "--tag", "v5.0.1", "--json"], env)).stdout);
    expect(plan.aliases.map((a: { alias: string }) => a.alias)).toEqual(IMAGES.flatMap(() => ["5.0", "5", "latest"]));
    expect(plan.aliases[0].expect).toMatch(/^sha256:/);

    // The registry now holds 5.0.1 from this commit: a rerun has nothing to do.
    for (const name of IMAGES) {
      const labels = { "org.opencontainers.image.revision": SHA, "org.opencontainers.image.version": "5.0.1" };
      for (const tag of ["5.0.1", "5.0", "5", "latest"])
        await pushImage(registry.host, `${registry.host}/samvera/${name}`, tag, labels, pusher);
    }
    await pushImage(
      registry.host,
      `${registry.host}/samvera/charts/hyrax`,
      "3.7.4",
      { "org.opencontainers.image.revision": SHA },
      pusher,
    );
    const rerun = await run(["plan", "--online", "--sha", SHA, "--tag", "v5.0.1"], env);
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toContain("Nothing to do: every artifact of this run is already published from this commit.");
  });

  it("--online and --registry-state together are a usage error", async () => {
    const result = await run(["plan", "--online", "--registry-state", "x.json", "--sha", SHA]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--online and --registry-state both say where the registry state comes from/);
  });
});

describe("the canary token", () => {
  it("appears in no output, error, file or golden the runs left behind", () => {
    expect(runs.length).toBeGreaterThan(4);
    for (const r of runs) {
      expect(r.stdout).not.toContain(CANARY);
      expect(r.stderr).not.toContain(CANARY);
    }
    expect(filesContaining(project, CANARY)).toEqual([]);
    expect(filesContaining(new URL("../../golden", import.meta.url).pathname, CANARY)).toEqual([]);
    expect(filesContaining(join(registry.dir, "data"), CANARY)).toEqual([]);
    expect(JSON.stringify(tokens.requests)).not.toContain(CANARY);
  });
});
