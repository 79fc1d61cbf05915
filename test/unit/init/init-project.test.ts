import { execFileSync } from "node:child_process";
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { charthouse } from "../../kit/cli.js";
import { parse } from "yaml";
import { tempTree, writeTree } from "../../kit/temp-dir.js";

/** examples/hyrax as a project that has not adopted charthouse yet. */
function hyraxWithoutCharthouse(): string {
  const project = tempTree();
  cpSync(new URL("../../../examples/hyrax", import.meta.url).pathname, project, { recursive: true });
  rmSync(join(project, "charthouse.yaml"));
  return project;
}

describe("charthouse init", () => {
  it("writes a charthouse.yaml that check accepts, with every Dockerfile target and the top-level chart", async () => {
    const project = hyraxWithoutCharthouse();
    const run = await charthouse(["init", project, "--ci", "circleci"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("wrote charthouse.yaml, dagger.json, .circleci/config.yml");
    const config = readFileSync(join(project, "charthouse.yaml"), "utf8");
    for (const target of ["hyrax-base", "hyrax-worker-base", "dassie", "dassie-worker"]) expect(config).toContain(`target: ${target}`);
    expect(config).toContain("  - path: chart/hyrax");
    expect(config).toMatch(/# Not published on their own .*chart\/solr/);
    expect(config).toMatch(/# TODO: the registry/);
    expect(await charthouse(["check", "--config", join(project, "charthouse.yaml")])).toMatchObject({ code: 0 });
    // charthouse as the project's blueprint, pinned to a release: no SDK and no module source of the project's own.
    const dagger = JSON.parse(readFileSync(join(project, "dagger.json"), "utf8"));
    expect(Object.keys(dagger).sort()).toEqual(["blueprint", "engineVersion", "name"]);
    expect(dagger).toMatchObject({ engineVersion: "v0.21.9", blueprint: { name: "charthouse", source: "github.com/samvera-labs/charthouse@v0.1.0" } });
    expect(readFileSync(join(project, ".circleci/config.yml"), "utf8")).toMatch(/command: dagger call publish --nightly /);
  });

  it("guesses the registry from a GitHub origin remote", async () => {
    const project = hyraxWithoutCharthouse();
    execFileSync("git", ["init", "-q"], { cwd: project });
    execFileSync("git", ["remote", "add", "origin", "git@github.com:Samvera/hyrax.git"], { cwd: project });
    await charthouse(["init", project]);
    const config = readFileSync(join(project, "charthouse.yaml"), "utf8");
    expect(config).toContain("registry: ghcr.io/samvera\nsource: https://github.com/Samvera/hyrax\n");
    expect(existsSync(join(project, ".github/workflows/charthouse.yml"))).toBe(true);
  });

  it("refuses to overwrite, writing nothing, unless --force", async () => {
    const project = hyraxWithoutCharthouse();
    await charthouse(["init", project]);
    const before = readFileSync(join(project, "charthouse.yaml"), "utf8");
    const again = await charthouse(["init", project, "--ci", "circleci"]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/charthouse.yaml, dagger.json already exist; nothing was written\. .*--force/);
    expect(existsSync(join(project, ".circleci/config.yml"))).toBe(false);
    expect((await charthouse(["init", project, "--ci", "circleci", "--force"])).code).toBe(0);
    expect(readFileSync(join(project, "charthouse.yaml"), "utf8")).toBe(before);
    expect(existsSync(join(project, ".circleci/config.yml"))).toBe(true);
  });
});

/** A repository shaped like Hyrax before charthouse: five stages, four build-push steps, compose with include, a chart releaser, a GitHub remote. */
function hyraxToAdopt(): string {
  const project = hyraxWithoutCharthouse();
  writeFileSync(join(project, "Dockerfile"), [
    "FROM localhost/charthouse/busybox:1.35 AS hyrax-base",
    "FROM hyrax-base AS hyrax-worker-base",
    "FROM hyrax-base AS hyrax",
    "FROM hyrax-worker-base AS hyrax-worker",
    "FROM hyrax-base AS hyrax-engine-dev",
    "",
  ].join("\n"));
  const step = (name: string, target: string, image: string) => `      - name: Build and push ${name}
        uses: docker/build-push-action@v6
        with:
          context: .
          platforms: linux/amd64,linux/arm64
          target: ${target}
          push: true
          tags: |
            \${{ env.REGISTRY }}/\${{ github.repository }}/${image}:\${{ env.TAG }}
            \${{ env.REGISTRY }}/\${{ github.repository }}/${image}:latest
`;
  writeTree(project, {
    ".github/workflows/build.yml": `name: Build and push docker images
on:
  release:
    types: [released]
env:
  REGISTRY: ghcr.io
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: docker/setup-buildx-action@v3
${step("base", "hyrax-base", "hyrax-base")}${step("worker base", "hyrax-worker-base", "hyrax-worker-base")}${step("dassie", "hyrax-engine-dev", "dassie")}${step("dassie worker", "hyrax-engine-dev-worker", "dassie-worker")}`,
    ".github/workflows/release-charts.yml": `name: Release Charts
on:
  push:
    branches: [main]
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Run chart-releaser
        uses: samvera-labs/helm-oci-charts-releaser@main
        with:
          charts_dir: chart
          oci_registry: ghcr.io/samvera
          oci_path: charts
          oci_password: \${{ secrets.GITHUB_TOKEN }}
`,
    "docker-compose.yml": "include:\n  - docker-compose-dassie.yml\n",
    "docker-compose-dassie.yml": `services:
  web:
    build:
      context: .
      target: hyrax-engine-dev
    command: sh -c 'bundle exec puma -b tcp://0.0.0.0:3000'
  postgres:
    image: postgres:15-alpine
    environment:
      - POSTGRES_USER=hyrax_user
      - POSTGRES_DB=hyrax
    ports: ["5432:5432"]
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U hyrax_user"]
  solr:
    image: solr:8.11
    ports: ["8983:8983"]
    healthcheck:
      test: ["CMD-SHELL", "curl -sf http://localhost:8983/solr/admin/cores?action=STATUS"]
  redis:
    image: bitnami/redis:6.2
    environment: { ALLOW_EMPTY_PASSWORD: "yes" }
    ports: ["6379:6379"]
    healthcheck:
      test: ["CMD", "redis-cli", "ping"]
  fcrepo:
    image: ghcr.io/samvera/fcrepo4:4.7.5
    ports: ["8080:8080"]
    healthcheck:
      test: curl -sf http://localhost:8080/rest
  fits:
    image: ghcr.io/samvera/fitsservlet:1.6.0
    ports: ["8080"]
    healthcheck:
      test: ["CMD-SHELL", "curl -sf http://localhost:8080/fits/version"]
  memcached:
    image: bitnami/memcached
    ports: ["11211:11211"]
    healthcheck:
      test: ["CMD-SHELL", "echo stats | nc localhost 11211"]
`,
  });
  execFileSync("git", ["init", "-q"], { cwd: project });
  execFileSync("git", ["remote", "add", "origin", "git@github.com:samvera/hyrax.git"], { cwd: project });
  return project;
}

describe("charthouse init learns from what the repository already says", () => {
  it("takes registry, images, platforms, the test gate and the charts from its workflows, compose files and remote, each with its origin; check accepts it", async () => {
    const project = hyraxToAdopt();
    const run = await charthouse(["init", project]);
    expect(run.code, run.stderr).toBe(0);
    const text = readFileSync(join(project, "charthouse.yaml"), "utf8");
    const config = parse(text);
    expect(config.registry).toBe("ghcr.io/samvera/hyrax");
    expect(text).toContain("# from .github/workflows/build.yml:");
    expect(config.images.map((i: { name: string; target: string }) => [i.name, i.target])).toEqual([["hyrax-base", "hyrax-base"], ["hyrax-worker-base", "hyrax-worker-base"], ["dassie", "hyrax-engine-dev"]]);
    expect(config.images.find((i: { name: string }) => i.name === "dassie").platforms).toEqual(["linux/amd64", "linux/arm64"]);
    // The stages no workflow publishes stay commented out, saying so.
    expect(text).toMatch(/# - name: hyrax {3}# no workflow publishes stage hyrax of Dockerfile/);
    expect(text).toMatch(/# - name: hyrax-worker {3}# no workflow publishes stage hyrax-worker/);
    // The test gate: the image compose builds, the six services with their healthchecks as ready.
    expect(config.test.image).toBe("dassie");
    expect(text).toContain("# from docker-compose-dassie.yml:");
    expect(config.test.services.map((s: { name: string }) => s.name)).toEqual(["postgres", "solr", "redis", "fcrepo", "fits", "memcached"]);
    expect(config.test.services[0]).toMatchObject({ image: "postgres:15-alpine", port: 5432, env: { POSTGRES_USER: "hyrax_user", POSTGRES_DB: "hyrax" }, ready: ["sh", "-c", "pg_isready -U hyrax_user"] });
    expect(config.test.services[2].ready).toEqual(["redis-cli", "ping"]);
    expect(config.test.services[3].ready).toEqual(["sh", "-c", "curl -sf http://localhost:8080/rest"]);
    expect(config.charts).toEqual([{ path: "chart/hyrax" }]);
    expect(text).toMatch(/# from \.github\/workflows\/release-charts\.yml:\d+ \(it pushes to oci:\/\/ghcr\.io\/samvera\/charts/);
    // Stale references are reported, not copied; what the new CI supersedes is said and left alone.
    expect(run.stdout).toMatch(/stale, left out: \.github\/workflows\/build\.yml:\d+: target hyrax-engine-dev-worker \(ghcr\.io\/samvera\/hyrax\/dassie-worker\) is no stage of Dockerfile/);
    expect(text).not.toContain("hyrax-engine-dev-worker");
    expect(run.stdout).toContain("supersedes (left untouched; remove them once charthouse publishes): .github/workflows/build.yml (job build), .github/workflows/release-charts.yml (job release)");
    expect(readFileSync(join(project, ".github/workflows/build.yml"), "utf8")).toContain("docker/build-push-action");
    const check = await charthouse(["check", "--config", join(project, "charthouse.yaml")]);
    expect(check, check.stderr).toMatchObject({ code: 0 });
  });
});
