import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../src/config/index.js";
import { projectFilesOnDisk, projectPath } from "../../../src/project-files/index.js";
import { detectProject, renderConfig } from "../../../src/init/index.js";
import { learnFromRepository } from "../../../src/init/learn.js";
import { tempTree } from "../../kit/temp-dir.js";

// Repository shapes as real projects write them: several workflows building one target under
// other names, matrix builds, tags with and without names, builds that only feed the tests,
// compose services with and without ports, healthchecks and .env variables, charts with and
// without image values, tag histories of several shapes. For each, init writes a file, and check
// either passes it or names only the TODOs init left where it could not decide: nothing invented.

const STAGES = ["base", "web", "worker", "dev"];
const name = fc.constantFrom("app", "web", "worker", "dassie", "shop", "api");
const namespace = fc.constantFrom("", "shop/", "shop/sub/");

/** One docker/build-push-action step's `with:`, in one of the forms workflows write a repository. */
const buildStep = fc.record({
  target: fc.oneof(fc.constantFrom(...STAGES), fc.constant("gone")),
  image: name,
  ns: namespace,
  form: fc.constantFrom("literal", "env", "github-env", "metadata", "none", "vars", "hub"),
  // docker's own action, or one that wraps it (read by its inputs, as a guess)
  uses: fc.constantFrom("docker/build-push-action@v7", "vendor/build-push-action@v1"),
  platforms: fc.constantFrom(
    "",
    "linux/amd64",
    "linux/amd64,linux/arm64",
    "${{ inputs.platforms }}",
    "${{ matrix.platform }}",
  ),
  feedsTest: fc.boolean(),
});
type Step = typeof buildStep extends fc.Arbitrary<infer T> ? T : never;

const HUB_LOGIN = "\n      - uses: docker/login-action@v3\n        with: { username: u }";

function workflow(steps: Step[], k: number): string {
  const matrix = steps.some((s) => s.platforms === "${{ matrix.platform }}")
    ? "    strategy:\n      matrix:\n        platform: [linux/amd64, linux/arm64]\n"
    : "";
  const onPr = steps.some((s) => s.feedsTest);
  const body = steps
    .map((s, i) => {
      const repo = `${s.ns}${s.image}`;
      const tags = {
        literal: `ghcr.io/acme/${repo}:latest`,
        env: `\${{ env.REGISTRY }}/\${{ github.repository_owner }}/${repo}:\${{ github.sha }}`,
        "github-env": `\${{ env.REGISTRY }}/\${{ env.OWNER_LOWER }}/${repo}:\${{ env.TAG }}`,
        metadata: `\${{ steps.meta${i}.outputs.tags }}`,
        none: "",
        vars: `\${{ vars.REGISTRY }}/${repo}:1`,
        hub: `acme/${repo}:1`,
      }[s.form];
      const meta =
        s.form === "metadata"
          ? `      - id: meta${i}\n        uses: docker/metadata-action@v6\n        with:\n` +
            `          images: ghcr.io/acme/${repo}\n`
          : "";
      const outputs = s.feedsTest ? "          outputs: type=docker,dest=/tmp/x.tar\n" : "";
      return `${meta}      - uses: ${s.uses}
        with:
          target: ${s.target}
          push: true
${s.platforms ? `          platforms: "${s.platforms}"\n` : ""}${tags ? `          tags: "${tags}"\n` : ""}${outputs}`;
    })
    .join("");
  return `name: w${k}
on:${onPr ? "\n  pull_request:" : ""}
  release:
env:
  REGISTRY: ghcr.io
jobs:
  build:
${matrix}    steps:${steps.some((s) => s.form === "hub") ? HUB_LOGIN : ""}
      - run: echo "TAG=\${GITHUB_SHA::8}" >> $GITHUB_ENV
      - run: echo "OWNER_LOWER=\${OWNER,,}" >> $GITHUB_ENV
        env:
          OWNER: \${{ github.repository_owner }}
${body}`;
}

const service = fc.record({
  name: fc.constantFrom("db", "cache", "search", "queue", "mail"),
  image: fc.constantFrom(
    "postgres:${PG:-15}",
    "redis:7",
    "solr:${SOLR_TAG}",
    "memcached",
    "mailhog/mailhog:${MAIL_TAG:-latest}",
  ),
  ports: fc.constantFrom("", '    ports: ["5432:5432"]\n', "    ports: [8080]\n", '    expose: ["6379"]\n'),
  health: fc.constantFrom(
    "",
    '    healthcheck:\n      test: ["CMD-SHELL", "check -u \\"$$USER\\""]\n',
    "    healthcheck:\n      test: [CMD, ping]\n",
    "    healthcheck:\n      disable: true\n",
  ),
  env: fc.constantFrom(
    "",
    "    environment:\n      - A=${DOTENV_A}\n      - B=$$literal\n",
    '    environment: { C: "${NOT_SET}" }\n',
    "    env_file: [.env]\n",
  ),
});

const shape = fc.record({
  stages: fc.subarray(STAGES, { minLength: 1 }),
  workflows: fc.array(fc.array(buildStep, { minLength: 1, maxLength: 3 }), { maxLength: 3 }),
  services: fc.uniqueArray(service, { selector: (s) => s.name, maxLength: 4 }),
  testedTarget: fc.option(fc.constantFrom(...STAGES), { nil: undefined }),
  // a backing service built from the repository (a gate only), with a build argument
  builtService: fc.option(fc.constantFrom(...STAGES, "other"), { nil: undefined }),
  dotenv: fc.constantFrom("", "DOTENV_A=1\nPG=16\n"),
  charts: fc.uniqueArray(
    fc.record({
      name: fc.constantFrom("app", "shop", "api"),
      pinned: fc.option(fc.record({ image: name, ns: namespace, digest: fc.boolean() }), { nil: undefined }),
    }),
    { selector: (c) => c.name, maxLength: 2 },
  ),
  tags: fc.array(
    fc.record({
      prefix: fc.constantFrom("v", "", "shop-v", "v.", "shop-chart-", "app-chart-", "helm-", "release-"),
      version: fc.constantFrom("1.0.0", "2.3.4", "5.0.0-rc.1", "1.2"),
      time: fc.nat(10),
    }),
    { maxLength: 6 },
  ),
});
type Shape = typeof shape extends fc.Arbitrary<infer T> ? T : never;

function files(s: Shape): Record<string, string> {
  const out: Record<string, string> = {
    Dockerfile: s.stages.map((stage, i) => `FROM ${i ? s.stages[0] : "scratch"} AS ${stage}`).join("\n") + "\n",
  };
  s.workflows.forEach((steps, k) => (out[`.github/workflows/w${k}.yml`] = workflow(steps, k)));
  if (s.builtService === "other") out["other/Dockerfile"] = "FROM scratch\n";
  const build =
    s.builtService === "other" ? "{ context: ./other, args: { V: '1' } }" : `{ context: ., target: ${s.builtService} }`;
  const built = s.builtService ? `  gate:\n    build: ${build}\n` : "";
  const needs = [...s.services.map((x) => x.name), ...(built ? ["gate"] : [])];
  if (s.testedTarget || s.services.length || built) {
    const app = s.testedTarget
      ? `  app:\n    build: { context: ., target: ${s.testedTarget} }\n` +
        `${needs.length ? `    depends_on: [${needs.join(", ")}]\n` : ""}`
      : "";
    out["docker-compose.yml"] =
      "services:\n" +
      app +
      built +
      s.services.map((x) => `  ${x.name}:\n    image: ${x.image}\n${x.ports}${x.health}${x.env}`).join("");
  }
  if (s.dotenv) out[".env"] = s.dotenv;
  for (const c of s.charts) {
    out[`charts/${c.name}/Chart.yaml`] = `apiVersion: v2\nname: ${c.name}\nversion: 1.0.0\n`;
    out[`charts/${c.name}/values.yaml`] = c.pinned
      ? `image:\n  repository: ghcr.io/acme/${c.pinned.ns}${c.pinned.image}\n  tag: ""\n` +
        `${c.pinned.digest ? '  digest: ""\n' : ""}`
      : "replicas: 1\n";
  }
  return out;
}

describe("init's output always passes check", () => {
  it("for every generated repository shape, or names only the TODOs init left", async () => {
    await fc.assert(
      fc.asyncProperty(shape, async (s) => {
        const root = tempTree(files(s));
        const facts = {
          ...detectProject(root),
          registry: "ghcr.io/acme",
          repository: "Acme/shop",
          source: "https://github.com/Acme/shop",
          tags: s.tags.map((t) => ({ name: `${t.prefix}${t.version}`, time: t.time })),
        };
        const { text } = renderConfig(facts, learnFromRepository(root, facts));
        const result = await parseConfig(text, projectFilesOnDisk(root), projectPath("charthouse.yaml"));
        // Every problem is a TODO init wrote, one each.
        const problems = result.ok ? [] : result.errors;
        for (const p of problems) expect(p.message, text).toMatch(/^is left to fill in: /);
        expect(problems.length, text).toBe(text.match(/"TODO: /g)?.length ?? 0);
        // Nothing init could not evaluate reaches the file, but in a TODO quoting where it looked.
        expect(text.replace(/"TODO: (?:[^"\\]|\\.)*"/g, "")).not.toMatch(/\$\{\{|\$\{[A-Z_]+|GITHUB_SHA/);
      }),
      { numRuns: 100 },
    );
    // Each shape is a tree on disk and a few git processes: on a busy machine that takes a while.
  }, 180_000);
});
