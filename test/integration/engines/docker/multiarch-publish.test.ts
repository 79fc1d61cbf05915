import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { helmArgs } from "../../../../src/chart/index.js";
import { helmBinary } from "../../../../src/exec/index.js";
import { execTool as runTool } from "../../../kit/index.js";
import { RegistryClient } from "../../../../src/registry/index.js";
import { toolEnvironment } from "../../../../src/engines/docker/index.js";
import { charthouse, type CliRun } from "../../../kit/cli.js";
import { CANARY, creds, useCanaryRegistry } from "../../../kit/registry-content.js";
import { appProject } from "../../../kit/app-project.js";
import { tempTree } from "../../../kit/temp-dir.js";
import { BASE_INDEX_PATH, pushBaseIndex } from "../../../kit/base-index.js";
import { buildxBinary, requireArm64Emulation } from "../../../kit/buildkit.js";
import { joined } from "../../../kit/regex.js";

// A two-platform image published on the Docker engine for real: BuildKit (buildx, the
// engine's own) builds linux/amd64 natively and linux/arm64 under QEMU, each is
// smoke-tested on its platform, and the registry ends up with one image index.
const SHA = "bbbb000000000000000000000000000000000064";
const ci = creds("ci", CANARY);
const registry = useCanaryRegistry();
const client = () => new RegistryClient({ credentials: ci });
const env = (extra: Record<string, string> = {}) => ({
  DOCKER_HOST: inject("dockerHost"),
  CHARTHOUSE_REGISTRY_USERNAME: "ci",
  CHARTHOUSE_REGISTRY_PASSWORD: CANARY,
  HOME: process.env.HOME ?? "/root",
  ...extra,
});

/**
 * A project whose one image builds for both platforms from the index base; its smoke test checks it runs on the
 * platform it was built for.
 */
function project(namespace: string): string {
  const host = registry().host;
  return appProject({
    registry: `${host}/${namespace}`,
    dockerfile: `FROM ${host}/${BASE_INDEX_PATH} AS app\nRUN uname -m > /built-on\n`,
    image:
      "    platforms: [linux/amd64, linux/arm64]\n" +
      '    smoke: ["sh", "-c", "test \\"$(uname -m)\\" = \\"$(cat /built-on)\\""]\n',
    template: '  image: {{ printf "%s@%s" .Values.image.tag .Values.image.digest | quote }}\n',
  });
}

const skopeo = (args: string[]): string =>
  execFileSync("skopeo", [...args, "--tls-verify=false", "--creds", `ci:${CANARY}`], { encoding: "utf8" });
const localTags: string[] = [];
let run: CliRun;
let repo: string;
/** What Node warned of during the run (a person would see it on stderr). */
const warnings: string[] = [];

beforeAll(async () => {
  buildxBinary();
  requireArm64Emulation();
  await pushBaseIndex(client(), registry().host);
  repo = `${registry().host}/multi/app`;
  localTags.push(
    `${repo}:nightly-20261124`,
    `${repo}:nightly-20261124-linux-amd64`,
    `${repo}:nightly-20261124-linux-arm64`,
  );
  const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
  process.on("warning", onWarning);
  try {
    run = await charthouse(["publish", "--nightly", "--date", "2026-11-24", "--sha", SHA, "--json"], {
      cwd: project("multi"),
      env: env(),
    });
  } finally {
    process.off("warning", onWarning);
  }
}, 300_000);
afterAll(() => {
  // Only this suite's tags: the engine is shared.
  execFileSync("docker", ["image", "rm", "--force", ...localTags], {
    env: { ...process.env, DOCKER_HOST: inject("dockerHost") },
    stdio: "ignore",
  });
});

describe("a two-platform image on Docker with BuildKit", () => {
  it("is built and smoke-tested per platform, arm64 emulated, and published as one index", () => {
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/smoke-test app on linux\/amd64: .* … ok \d+\.\ds\n/);
    expect(run.stderr).toMatch(/smoke-test app on linux\/arm64: .* … ok \d+\.\ds \(emulated on linux\/amd64\)\n/);
    expect(warnings).toEqual([]);
  });

  it(
    "skopeo reads an OCI index holding linux/amd64 and linux/arm64, annotated with the revision; the result names " +
      "each child",
    () => {
      const index = JSON.parse(skopeo(["inspect", "--raw", `docker://${repo}:nightly-20261124`])) as {
        mediaType: string;
        manifests: { digest: string; platform: { os: string; architecture: string } }[];
        annotations: Record<string, string>;
      };
      expect(index.mediaType).toBe("application/vnd.oci.image.index.v1+json");
      expect(index.manifests.map((m) => `${m.platform.os}/${m.platform.architecture}`).sort()).toEqual([
        "linux/amd64",
        "linux/arm64",
      ]);
      expect(index.annotations["org.opencontainers.image.revision"]).toBe(SHA);
      const result = JSON.parse(run.stdout) as {
        published: { reference: string; digest: string; platforms?: { platform: string; digest: string }[] }[];
      };
      const image = result.published.find((p) => p.reference === `${repo}:nightly-20261124`)!;
      expect(image.platforms?.map((p) => `${p.platform} ${p.digest}`).sort()).toEqual(
        index.manifests.map((m) => `${m.platform.os}/${m.platform.architecture} ${m.digest}`).sort(),
      );
    },
  );

  it("each platform's config is its own and carries the revision label", () => {
    for (const arch of ["amd64", "arm64"]) {
      const inspected = JSON.parse(
        skopeo(["inspect", "--override-arch", arch, `docker://${repo}:nightly-20261124`]),
      ) as { Architecture: string; Labels: Record<string, string> };
      expect(inspected.Architecture).toBe(arch);
      expect(inspected.Labels["org.opencontainers.image.revision"]).toBe(SHA);
    }
  });

  it("the arm64 image pulled back from the registry runs and prints aarch64", async () => {
    const index = JSON.parse(skopeo(["inspect", "--raw", `docker://${repo}:nightly-20261124`])) as {
      manifests: { digest: string; platform: { architecture: string } }[];
    };
    const arm64 = `${repo}@${index.manifests.find((m) => m.platform.architecture === "arm64")!.digest}`;
    localTags.push(arm64);
    const tools = {
      ...toolEnvironment(join(tempTree(), "tools"), registry().host, ci),
      DOCKER_HOST: inject("dockerHost"),
    };
    const docker = (args: string[]) =>
      execFileSync("docker", args, { env: tools, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    docker(["pull", arm64]);
    expect(docker(["run", "--rm", "--network", "none", arm64, "uname", "-m"]).trim()).toBe("aarch64");
  });

  it("the alias holds the index, and the chart pins the index digest", async () => {
    const index = (await client().headManifest(repo, "nightly-20261124"))!.digest;
    expect((await client().headManifest(repo, "nightly"))?.digest).toBe(index);
    const work = tempTree();
    const tools = toolEnvironment(join(work, "tools"), registry().host, ci);
    mkdirSync(join(work, "pulled"));
    await runTool(
      helmBinary(),
      helmArgs.pull(`oci://${registry().host}/multi/charts/app`, "1.0.0-nightly.20261124", join(work, "pulled"), {
        plainHttp: true,
      }),
      { env: tools },
    );
    const rendered = (
      await runTool(
        helmBinary(),
        helmArgs.template("app", join(work, "pulled", readdirSync(join(work, "pulled"))[0]!)),
        { env: tools },
      )
    ).stdout;
    expect(rendered).toContain(`image: "nightly-20261124@${index}"`);
  });
});

describe("a two-platform image published again from the same commit", () => {
  it("is already there: the index's revision says so, nothing is built or pushed", async () => {
    const again = await charthouse(["publish", "--nightly", "--date", "2026-11-24", "--sha", SHA], {
      cwd: project("multi"),
      env: env(),
    });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain("every artifact is already published from this commit");
    expect(again.stdout).not.toMatch(/\[1\/\d+\]/);
  });
});

describe("a two-platform image on the classic builder", () => {
  it("is refused before anything runs, with the fix", async () => {
    const refused = await charthouse(["publish", "--nightly", "--date", "2026-11-24", "--sha", SHA], {
      cwd: project("classic"),
      env: env({ DOCKER_BUILDKIT: "0" }),
    });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      joined(
        /image app builds for linux\/amd64, linux\/arm64, but Docker's classic builder builds one platform: install /,
        /buildx as a Docker CLI plugin/,
      ),
    );
    expect(refused.stderr).toContain("Nothing was built or pushed.");
    expect(refused.stdout).not.toMatch(/\[1\/\d+\]/);
    expect(await client().listTags(`${registry().host}/classic/app`)).toEqual([]);
  });
});
