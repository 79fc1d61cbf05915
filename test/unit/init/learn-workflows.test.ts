import { describe, expect, it } from "vitest";
import { learnFromCompose } from "../../../src/init/learn-compose.js";
import { composeRuns, learnFromWorkflows } from "../../../src/init/learn-workflows.js";
import { tempTree } from "../../kit/temp-dir.js";

describe("what a workflow computes", () => {
  it("follows local reusable workflows and composite actions to the build they wrap, with inputs and defaults", () => {
    const root = tempTree({
      ".github/workflows/release.yml": `on: { push: { tags: ["v*"] } }
jobs:
  images:
    uses: ./.github/workflows/images.yml
    with:
      target: web
      name: \${{ github.repository_owner }}-web
`,
      ".github/workflows/images.yml": `on:
  workflow_call:
    inputs:
      target: { type: string }
      name: { type: string }
      platforms: { type: string, default: "linux/amd64,linux/arm64" }
jobs:
  build:
    steps:
      - uses: ./.github/actions/publish
        with:
          image: ghcr.io/\${{ github.repository }}/\${{ inputs.name }}
          target: \${{ inputs.target }}
          platforms: \${{ inputs.platforms }}
`,
      ".github/actions/publish/action.yml": `name: publish
inputs:
  image: { required: true }
  target: { required: true }
  platforms: { default: linux/amd64 }
  dockerfile: { default: docker/Dockerfile }
runs:
  using: composite
  steps:
    - uses: docker/build-push-action@v7
      with:
        context: ./app
        file: \${{ inputs.dockerfile }}
        target: \${{ inputs.target }}
        platforms: \${{ inputs.platforms }}
        push: true
        tags: \${{ inputs.image }}:latest
`,
    });
    const facts = learnFromWorkflows(root, { repository: "Acme/Shop" });
    expect(facts.builds).toEqual([
      {
        repositories: ["ghcr.io/acme/shop/acme-web"],
        target: "web",
        context: "app",
        file: "docker/Dockerfile",
        platforms: ["linux/amd64", "linux/arm64"],
        pushes: true,
        feedsTest: false,
        from: { file: ".github/actions/publish/action.yml", line: 14 },
      },
    ]);
    expect(facts.supersedes).toEqual([
      ".github/workflows/images.yml (job build)",
      ".github/workflows/release.yml (job images)",
    ]);
  });

  it("expands a matrix into targets and image names; an expression it cannot evaluate is reported, never kept", () => {
    const root = tempTree({
      ".github/workflows/build.yml": `on: release
jobs:
  build:
    strategy:
      matrix:
        include:
          - { target: web, image: shop }
          - { target: worker, image: shop-worker }
    steps:
      - uses: docker/build-push-action@v7
        with:
          target: \${{ matrix.target }}
          platforms: \${{ matrix.platform }}
          push: true
          tags: ghcr.io/acme/\${{ matrix.image }}:\${{ github.sha }}
`,
    });
    const facts = learnFromWorkflows(root, { repository: "acme/shop" });
    expect(facts.builds.map((b) => [b.target, b.repositories, b.platforms])).toEqual([
      ["web", ["ghcr.io/acme/shop"], undefined],
      ["worker", ["ghcr.io/acme/shop-worker"], undefined],
    ]);
    expect(facts.unknown).toEqual([
      ".github/workflows/build.yml:13: platforms ${{ matrix.platform }} cannot be evaluated here; left out",
    ]);
  });

  it("reads the compose file and service of `docker compose -f … run [options] <service>`", () => {
    const from = { file: "x", line: 1 };
    expect(
      composeRuns(
        `docker compose -f a.yml -f b.yml run -T --rm --entrypoint sh -e A=1 -e B='*' -u root web -c "rspec"`,
        from,
      ),
    ).toEqual([
      {
        files: ["a.yml", "b.yml"],
        service: "web",
        commandUnknown: "it replaces the image's entrypoint, which charthouse keeps",
        from,
      },
    ]);
    expect(
      composeRuns("docker-compose --file=ci.yml exec -T app bundle exec rspec --tag ~slow && echo done", from),
    ).toEqual([{ files: ["ci.yml"], service: "app", command: ["bundle", "exec", "rspec", "--tag", "~slow"], from }]);
    expect(composeRuns("docker compose -f ci.yml up -d", from)).toEqual([{ files: ["ci.yml"], from }]);
    // A pipe, a redirection and quotes: the command is what runs in the service, not what reads its output.
    expect(
      composeRuns(
        `if docker compose -f ci.yml exec -T web bundle exec rails runner "puts 'ok'" 2>/dev/null | grep -q ok; then`,
        from,
      ),
    ).toEqual([
      { files: ["ci.yml"], service: "web", command: ["bundle", "exec", "rails", "runner", "puts 'ok'"], from },
    ]);
    expect(composeRuns("docker compose up", from)).toEqual([]);
  });
});

describe("compose, as compose reads it", () => {
  it(
    "the file a Makefile tests with; the tested service's dependencies; ports, expose or none; interpolation from " +
      ".env",
    () => {
      const root = tempTree({
        Makefile: "test:\n\tdocker compose -f compose.ci.yml run --rm app bin/test\n",
        ".env": "DB_TAG=16\n",
        "compose.yml": "services:\n  other:\n    image: nope\n",
        "compose.ci.yml": `services:
  app:
    build: .
    depends_on: [db, cache]
  db:
    image: postgres:\${DB_TAG}
    environment: { POSTGRES_PASSWORD: "$$ecret", FROM_SHELL: null }
    expose: ["5432"]
  cache:
    image: memcached:\${MEMCACHED_TAG}
  search:
    image: solr:9
  queue:
    image: redis:7
    command: redis-server --appendonly yes
`,
      });
      const facts = learnFromCompose(root, []);
      expect(facts.file).toEqual({ path: "compose.ci.yml", why: "Makefile:2 runs the tests with it" });
      expect(facts.suite).toEqual({ command: ["bin/test"], from: { file: "Makefile", line: 2 } });
      expect(facts.tested).toMatchObject({ service: "app" });
      expect(facts.services).toEqual([
        {
          name: "db",
          image: "postgres:16",
          port: 5432,
          env: { POSTGRES_PASSWORD: "$ecret" },
          from: { file: "compose.ci.yml", line: 6 },
        },
      ]);
      expect(facts.others).toEqual(["compose.yml"]);
      expect(facts.notes).toEqual([
        "compose.ci.yml:6: service db's FROM_SHELL comes from the environment compose runs in; left out",
        "compose.ci.yml:6: service db has no healthcheck: it counts as ready once port 5432 listens (Dagger) or once " +
          "started (Docker); add ready: for more",
        "compose.ci.yml:10: service cache's image uses ${MEMCACHED_TAG}, which neither .env nor a default sets; left " +
          "out",
      ]);
    },
  );

  it(
    "waits for a healthcheck as long as compose would (start_period + interval × retries), when that is longer than " +
      "120 s",
    () => {
      const root = tempTree({
        "compose.yaml": `services:
  app:
    build: .
    depends_on: [repo, quick]
  repo:
    image: fcrepo:4
    healthcheck: { test: ["CMD-SHELL", "curl -sf localhost:8080"], interval: 10s, retries: 30, start_period: 1m30s }
  quick:
    image: redis:7
    healthcheck: { test: [CMD, redis-cli, ping], interval: 5s, retries: 20 }
`,
      });
      expect(learnFromCompose(root, []).services.map((s) => [s.name, s.readyTimeoutSeconds])).toEqual([
        ["repo", 390],
        ["quick", undefined],
      ]);
    },
  );

  it(
    "without a CI run: the default file, the built service others need, every other service; a string command split " +
      "as a shell splits it",
    () => {
      const root = tempTree({
        "docker-compose.yml":
          "services:\n  web:\n    build: { context: ., target: dev }\n  queue:\n    image: redis:7\n" +
          "    command: redis-server --save '' --appendonly no\n",
      });
      const facts = learnFromCompose(root, []);
      expect(facts.tested).toMatchObject({ service: "web", target: "dev" });
      expect(facts.services).toMatchObject([
        { name: "queue", image: "redis:7", command: ["redis-server", "--save", "", "--appendonly", "no"] },
      ]);
      expect(facts.notes).toEqual([
        "docker-compose.yml:5: service queue has no healthcheck and no port: nothing says when it is ready; add " +
          "ready: to it",
      ]);
    },
  );
});

describe("compose files that share settings and build more than the application (Hyku's shape)", () => {
  it(
    "reads merge keys; a service built from another target runs that published image, one no image publishes is " +
      "built for the gate; init jobs of the application are not services",
    async () => {
      const { detectProject } = await import("../../../src/init/index.js");
      const { learnFromRepository } = await import("../../../src/init/learn.js");
      const root = tempTree({
        Dockerfile: "FROM scratch AS base\nFROM base AS app-web\nFROM base AS app-solr\nFROM base AS app-gone\n",
        ".github/workflows/build.yml": `on: release
jobs:
  build:
    strategy:
      matrix:
        component: [web, solr]
    steps:
      - uses: docker/build-push-action@v7
        with:
          target: app-\${{ matrix.component }}
          push: true
          tags: ghcr.io/acme/app/\${{ matrix.component }}:latest
`,
        "docker-compose.yml": `x-app: &app
  build: { context: ., target: app-web }
  image: ghcr.io/acme/app/web:\${TAG:-latest}
services:
  web:
    <<: *app
    depends_on: [solr, init, old, db]
  init:
    <<: *app
    command: bin/setup
  solr:
    build: { context: ., target: app-solr }
    healthcheck:
      test: ["CMD", "solr", "status"]
  old:
    build: { context: ., target: app-gone }
  db:
    image: postgres:16
`,
      });
      const facts = { ...detectProject(root), tags: [] };
      const learned = learnFromRepository(root, facts);
      expect(learned.testImage).toBe("web");
      expect(learned.compose.services.map((s) => [s.name, s.image, s.ready])).toEqual([
        ["solr", "solr", ["solr", "status"]],
        ["old", "", undefined],
        ["db", "postgres:16", undefined],
      ]);
      expect(learned.compose.services[1]!.built).toEqual({ context: ".", target: "app-gone", args: {} });
      expect(learned.stale).toEqual([]);
    },
  );
});

describe("the Dockerfile a workflow names", () => {
  it("is read whatever its name (its stages tell what is stale); init names it as the workflow builds it", async () => {
    const { detectProject } = await import("../../../src/init/index.js");
    const { learnFromRepository } = await import("../../../src/init/learn.js");
    const root = tempTree({
      "docker/app.dockerfile": "FROM scratch AS web\n",
      ".github/workflows/build.yml":
        "on: release\njobs:\n  b:\n    steps:\n      - uses: docker/build-push-action@v7\n        with:\n" +
        "          context: ./src\n          file: ./docker/app.dockerfile\n          target: web\n" +
        "          push: true\n          tags: ghcr.io/acme/web:1\n",
      "src/.keep": "",
    });
    const learned = learnFromRepository(root, { ...detectProject(root), tags: [] });
    expect(learned.stale).toEqual([]);
    expect(learned.images).toMatchObject([
      { name: "web", context: "src", dockerfile: "docker/app.dockerfile", target: "web" },
    ]);
  });
});

describe("a .env the repository does not commit", () => {
  it("is not read: its values (someone's own credentials, often) never reach charthouse.yaml", async () => {
    const { execFileSync } = await import("node:child_process");
    const root = tempTree({
      ".gitignore": ".env\n",
      ".env": "DB_PASSWORD=hunter2\n",
      "docker-compose.yml":
        "services:\n  app:\n    build: .\n    depends_on: [db]\n  db:\n    image: postgres:16\n    env_file: [.env]\n" +
        "    environment:\n      - POSTGRES_PASSWORD=${DB_PASSWORD}\n",
    });
    execFileSync("git", ["init", "-q"], { cwd: root });
    execFileSync("git", ["add", "-A"], { cwd: root });
    const facts = learnFromCompose(root, []);
    expect(facts.services).toMatchObject([{ name: "db", env: {} }]);
    expect(facts.notes).toEqual([
      ".env is not committed (it may hold someone's own secrets): its variables were not read",
      "docker-compose.yml:6: service db's POSTGRES_PASSWORD uses ${DB_PASSWORD}, which neither .env nor a default " +
        "sets; left out",
      "docker-compose.yml:6: service db has no healthcheck and no port: nothing says when it is ready; add ready: to " +
        "it",
    ]);
    expect(JSON.stringify(facts)).not.toContain("hunter2");
  });
});
