import { describe, expect, it } from "vitest";
import { parseConfig, type ConfigProblem } from "../../../src/config/index.js";
import { detectProject, renderConfig } from "../../../src/init/index.js";
import { learnFromRepository } from "../../../src/init/learn.js";
import { projectFilesOnDisk, projectPath } from "../../../src/project-files/index.js";
import { tempTree } from "../../kit/temp-dir.js";

// Shapes real repositories write, each as a small project of its own (no project's files copied): what init
// learns from it, and what check then says of what init wrote.

interface Adopted {
  readonly text: string;
  readonly learned: ReturnType<typeof renderConfig>["learned"];
  readonly todo: readonly string[];
  readonly notes: readonly string[];
  readonly problems: readonly ConfigProblem[];
}

async function adopt(files: Record<string, string>, remote = true): Promise<Adopted> {
  const root = tempTree(files);
  const facts = {
    ...detectProject(root),
    ...(remote ? { registry: "ghcr.io/acme", repository: "acme/shop", source: "https://github.com/acme/shop" } : {}),
    tags: [],
  };
  const learned = learnFromRepository(root, facts);
  const rendered = renderConfig(facts, learned);
  const result = await parseConfig(rendered.text, projectFilesOnDisk(root), projectPath("charthouse.yaml"));
  return {
    text: rendered.text,
    learned: rendered.learned,
    todo: rendered.todo,
    notes: learned.notes,
    problems: result.ok ? [] : result.errors,
  };
}

const publish = (withs: string, uses = "docker/build-push-action@v7", before = "") => `on: { push: { tags: ["v*"] } }
jobs:
  publish:
    steps:
${before}      - uses: ${uses}
        with:
${withs}`;

describe("a compose service built from the repository", () => {
  it("is built for the gate (services[].build with context, Dockerfile, target, args), never published", async () => {
    const a = await adopt({
      Dockerfile: "FROM scratch AS app\n",
      "search/Dockerfile": "ARG VERSION\nFROM scratch AS core\n",
      ".github/workflows/publish.yml": publish(
        "          target: app\n          push: true\n          tags: ghcr.io/acme/shop:latest\n",
      ),
      "docker-compose.yml": `services:
  app:
    build: { context: ., target: app }
    depends_on: [search]
  search:
    build:
      context: ./search
      target: core
      args: { VERSION: "9", BUILDKIT_INLINE_CACHE: "1" }
    healthcheck: { test: ["CMD", "probe"] }
`,
    });
    expect(a.text).toContain(
      "    - name: search\n      build:\n        context: search\n        target: core\n" +
        '        buildArgs:\n          VERSION: "9"\n      ready: ["probe"]\n',
    );
    expect(a.learned, a.text).toContainEqual({
      what: "service search",
      value: "built from target core of search/Dockerfile (gate only); ready from healthcheck",
      source: "docker-compose.yml:6",
    });
    expect(a.problems.filter((p) => !/smoke|command/.test(p.message))).toEqual([]);
  });

  it("the suite's own service, with no published image of its build, leaves test.image a TODO", async () => {
    const a = await adopt({
      Dockerfile: "FROM scratch AS app\n",
      "Dockerfile.test": "FROM scratch\n",
      ".github/workflows/publish.yml": publish(
        "          target: app\n          push: true\n          tags: ghcr.io/acme/shop:latest\n",
      ),
      "docker-compose.yml": "services:\n  tests:\n    build: { context: ., dockerfile: Dockerfile.test }\n",
    });
    expect(a.problems.map((p) => [p.field, p.message])).toEqual([
      [
        "test.image",
        "is left to fill in: the image of images the suite runs in (service tests builds Dockerfile.test, which no " +
          "image above is)",
      ],
    ]);
  });
});

describe("the registry, never invented", () => {
  it.each([
    ["docker/login-action without registry:", "      - uses: docker/login-action@v3\n        with: { username: u }\n"],
    ["docker login without a host", '      - run: echo "$T" | docker login -u bot --password-stdin\n'],
  ])("%s logs in to Docker Hub: the registry is a TODO, not the git remote's ghcr.io", async (_, login) => {
    const a = await adopt({
      Dockerfile: "FROM scratch AS app\n",
      ".github/workflows/publish.yml": publish(
        "          target: app\n          push: true\n          tags: ${{ vars.IMAGE }}:latest\n",
        "docker/build-push-action@v7",
        login,
      ),
    });
    expect(a.text).not.toContain("ghcr.io/acme\n");
    expect(a.problems.map((p) => p.field)).toEqual(["registry", "images[0].repository"]);
    expect(a.problems[0]!.message).toMatch(/publish\.yml:\d+ logs in to Docker Hub, .*docker\.io\/<namespace>/);
    expect(a.problems[1]!.message).toMatch(/the workflow's tag \$\{\{ vars\.IMAGE \}\}:latest \(\S+\) cannot be/);
  });

  it("with neither a workflow nor a remote, the registry is a TODO", async () => {
    const a = await adopt({ Dockerfile: "FROM scratch AS app\n" }, false);
    expect(a.problems.map((p) => p.field)).toEqual(["registry"]);
  });

  it("the git remote's registry, when no workflow says one, is marked as a guess", async () => {
    const a = await adopt({ Dockerfile: "FROM scratch AS app\n" });
    expect(a.learned[0]).toEqual({
      what: "registry",
      value: "ghcr.io/acme",
      source: "the git remote origin (a guess)",
    });
  });
});

describe("a remote action that wraps build and push", () => {
  it("is read by its inputs (context, file, platforms, tags), marked as a guess", async () => {
    const a = await adopt({
      "docker/Dockerfile": "FROM scratch\n",
      ".github/workflows/publish.yml": publish(
        "          context: .\n          file: ./docker/Dockerfile\n          platforms: linux/amd64,linux/arm64\n" +
          "          push: true\n          tags: ghcr.io/acme/shop:1\n",
        "some-vendor/build-push-action@v1",
      ),
    });
    expect(a.text).toContain(
      "  # from .github/workflows/publish.yml:11 (read from the inputs of some-vendor/build-push-action, a guess)\n" +
        '  - name: shop\n    dockerfile: docker/Dockerfile\n    platforms: ["linux/amd64","linux/arm64"]\n',
    );
    expect(a.learned.find((r) => r.what === "image shop")?.source).toMatch(/a guess\)$/);
    expect(a.problems).toEqual([]);
  });

  it("an organisation's own action is read when its inputs name a build and where it goes", async () => {
    const a = await adopt({
      Dockerfile: "FROM scratch\n",
      ".github/workflows/publish.yml": publish(
        "          context: .\n          repository: ghcr.io/acme/shop\n          push: true\n",
        "acme/actions/container@v2",
      ),
    });
    expect(a.text).toMatch(/a guess\)\n {2}- name: shop\n/);
  });
});

describe("build arguments the workflow passes", () => {
  it("are written when known; one a FROM needs but init cannot evaluate is a TODO; others are reported", async () => {
    const a = await adopt({
      Dockerfile: "ARG BASE\nARG COMMIT\nFROM ${BASE}/runtime:1 AS app\n",
      ".github/workflows/publish.yml": publish(
        "          target: app\n          push: true\n          tags: ghcr.io/acme/shop:1\n" +
          "          build-args: |\n            BASE=${{ secrets.MIRROR }}\n            COMMIT=${{ github.sha }}\n" +
          "            MODE=release\n",
      ),
    });
    expect(a.text).toMatch(
      /buildArgs:\n {6}BASE: "TODO: build argument BASE .*FROM needs it\)"\n {6}MODE: "release"\n/,
    );
    expect(a.notes).toContainEqual(
      ".github/workflows/publish.yml:7: build argument COMMIT cannot be evaluated here; left out",
    );
    expect(a.problems.map((p) => p.field)).toEqual(["images[0].buildArgs.BASE"]);
  });
});

describe("chartpress.yaml", () => {
  it("declares the images (context, Dockerfile, target, args, prefix) and where each chart pins them", async () => {
    const a = await adopt({
      "deploy/chartpress.yaml": `charts:
  - name: shop
    imagePrefix: quay.io/acme/k8s-
    images:
      api:
        valuesPath: api.image
        buildArgs: { PY: "3.12" }
      api-slim:
        contextPath: images/api
        extraBuildCommandOptions: [--target=slim]
      web:
        dockerfilePath: images/web/Dockerfile.prod
        contextPath: ..
        valuesPath: web.image
`,
      "deploy/images/api/Dockerfile": "FROM scratch AS full\nFROM scratch AS slim\n",
      "deploy/images/web/Dockerfile.prod": "FROM scratch\n",
      "deploy/shop/Chart.yaml": "apiVersion: v2\nname: shop\nversion: 1.0.0\n",
      "deploy/shop/values.yaml":
        "api:\n  image: { name: quay.io/acme/k8s-api, tag: set }\nweb:\n  image: { tag: set }\n",
    });
    expect(a.text).toContain("registry: quay.io/acme\n");
    expect(a.text).toContain(
      '  - name: api\n    repository: k8s-api\n    context: deploy/images/api\n    buildArgs:\n      PY: "3.12"\n',
    );
    expect(a.text).toContain("  - name: api-slim\n    repository: k8s-api-slim\n    target: slim\n");
    expect(a.text).toContain(
      '  - name: web\n    repository: k8s-web\n    context: "."\n    dockerfile: deploy/images/web/Dockerfile.prod\n',
    );
    expect(a.text).toContain("      - { image: api, repository: api.image.name, tag: api.image.tag }\n");
    expect(a.text).toContain("      - { image: web, tag: web.image.tag }\n");
    expect(a.learned.find((r) => r.what === "image web")?.source).toBe("deploy/chartpress.yaml:12");
    expect(a.problems).toEqual([]);
  });
});

describe("the compose file CI really runs", () => {
  const project = {
    Dockerfile: "FROM scratch AS app\n",
    ".github/workflows/publish.yml": publish(
      "          target: app\n          push: true\n          tags: ghcr.io/acme/shop:latest\n",
    ),
    "docker-compose.yml":
      "services:\n  dev:\n    build: { context: ., target: app }\n    depends_on: [mailer]\n" +
      "  mailer:\n    image: mailer:1\n",
    "ci/compose.test.yml":
      "services:\n  suite:\n    build: { context: .., target: app }\n    depends_on: [db]\n" +
      "  db:\n    image: postgres:16\n",
  };

  it("is the one COMPOSE_FILE names in the workflow, and the service is the one the suite runs in", async () => {
    const a = await adopt({
      ...project,
      ".github/workflows/test.yml":
        "on: pull_request\njobs:\n  test:\n    env:\n      COMPOSE_FILE: ci/compose.test.yml\n    steps:\n" +
        "      - run: docker compose run --rm suite pytest -q\n",
    });
    expect(a.text).toMatch(/service suite of ci\/compose\.test\.yml \(\.github\/workflows\/test\.yml:7 runs the tests/);
    expect(a.text).toContain('  command: ["pytest","-q"]\n');
    expect(a.text).toContain("    - name: db\n      image: postgres:16\n");
    expect(a.text).not.toContain("mailer");
  });

  it("is the one a Makefile variable names (`-f $(COMPOSE)`)", async () => {
    const a = await adopt({
      ...project,
      Makefile:
        "COMPOSE_TEST = ci/compose.test.yml\nDC ?= docker compose\n\ntest:\n" +
        "\t$(DC) -f $(COMPOSE_TEST) exec suite pytest\n",
    });
    expect(a.text).toMatch(/service suite of ci\/compose\.test\.yml \(Makefile:5 runs the tests with it\)/);
  });
});

describe("Dockerfiles in different folders that share stage names", () => {
  it("give images named after their folder too, so check accepts init's own output", async () => {
    const a = await adopt({
      "services/cart/Dockerfile": "FROM scratch AS builder\nFROM builder AS runtime\n",
      "services/email/Dockerfile": "FROM scratch AS builder\nFROM builder AS final\n",
      "tools/email/Dockerfile": "FROM scratch AS builder\n",
    });
    expect(a.learned.filter((r) => r.what.startsWith("image")).map((r) => r.what)).toEqual([
      "image cart-builder",
      "image runtime",
      "image services-email-builder",
      "image final",
      "image tools-email-builder",
    ]);
    expect(a.problems).toEqual([]);
  });
});

describe("per-platform builds pushed by digest and merged", () => {
  it("are one image of each runner's platform, named by outputs' name=, pushed by an expression", async () => {
    const a = await adopt({
      Dockerfile: "FROM scratch\n",
      ".github/workflows/publish.yml": `on: push
jobs:
  build:
    strategy:
      matrix:
        include:
          - { runner: x64, platform: linux/amd64 }
          - { runner: arm, platform: linux/arm64 }
    steps:
      - uses: docker/build-push-action@v7
        with:
          platforms: \${{ matrix.platform }}
          outputs: type=image,name=ghcr.io/acme/shop,push-by-digest=true,push=\${{ github.event_name == 'push' }}
  merge:
    steps:
      - run: docker buildx imagetools create -t ghcr.io/acme/shop:latest ghcr.io/acme/shop@sha256:aaa
`,
    });
    expect(a.text).toContain('  - name: shop\n    platforms: ["linux/amd64","linux/arm64"]\n');
    expect(a.problems).toEqual([]);
  });
});
