import { execFileSync } from "node:child_process";
import { writeTree } from "./temp-dir.js";

/**
 * A repository with the shapes the real samvera/hyrax has today (written here, not copied):
 * images named by a repository a run step lowercases into $GITHUB_ENV; a second workflow
 * building the same target for its tests through docker/metadata-action, exported for a
 * matrix of compose runs; a stale target; compose services with and without ports, `$$`,
 * `${VAR:-default}` and an env_file; values pinning one image and naming one nothing builds;
 * release tags of three shapes. Written over a copy of examples/hyrax (its chart and bin/),
 * committed and tagged in a fresh git repository whose origin is GitHub's address.
 */
export function writeHyraxToday(project: string, o: { readonly pushTo?: string } = {}): void {
  const push = (name: string, target: string, image: string) => `      - name: Build and push ${name}
        uses: docker/build-push-action@v7
        with:
          context: .
          platforms: linux/amd64,linux/arm64
          target: ${target}
          push: true
          tags: |
            \${{ env.REGISTRY }}/\${{ env.REPO_LOWER }}/${image}:\${{ env.TAG }}
            \${{ env.REGISTRY }}/\${{ env.REPO_LOWER }}/${image}:\${{ github.ref_name }}
`;
  const pushes = [
    push("base", "hyrax-base", "hyrax-base"),
    push("worker base", "hyrax-worker-base", "hyrax-worker-base"),
    push("dassie", "hyrax-engine-dev", "dassie"),
    push("dassie worker", "hyrax-engine-dev-worker", "dassie-worker"),
  ].join("");
  writeTree(project, {
    Dockerfile: [
      "FROM localhost/charthouse/busybox:1.35 AS hyrax-base",
      "COPY bin/ /app/samvera/bin/",
      'CMD ["sh", "/app/samvera/bin/web"]',
      "FROM hyrax-base AS hyrax-worker-base",
      "FROM hyrax-base AS hyrax",
      "FROM hyrax-worker-base AS hyrax-worker",
      "FROM hyrax-worker-base AS hyrax-engine-dev",
      "",
    ].join("\n"),
    ".github/workflows/build.yml": `name: Images
on:
  release:
  workflow_dispatch:
env:
  REGISTRY: ghcr.io
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - name: Short sha
        run: echo "TAG=\${GITHUB_SHA::8}" >> $GITHUB_ENV
      - name: Lowercase the repository
        run: echo "REPO_LOWER=\${REPO,,}" >> $GITHUB_ENV
        env:
          REPO: '\${{ github.repository }}'
      - uses: actions/checkout@v6
${pushes}`,
    ".github/workflows/ci.yml": `name: CI
on:
  push:
    branches: [main]
  pull_request:
env:
  REGISTRY: ghcr.io
  IMAGE_NAME: \${{ github.repository }}-dev
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - id: meta
        uses: docker/metadata-action@v6
        with:
          images: \${{ env.REGISTRY }}/\${{ env.IMAGE_NAME }}
          tags: type=sha,format=long,prefix=
      - uses: docker/build-push-action@v7
        with:
          context: .
          target: hyrax-engine-dev
          push: true
          tags: \${{ steps.meta.outputs.tags }}
          outputs: type=docker,dest=\${{ runner.temp }}/app.tar
  test:
    needs: build
    runs-on: ubuntu-latest
    strategy:
      matrix:
        app: [dassie, koppie]
        shard: [0, 1]
    steps:
      - name: Specs
        run: >-
          docker compose -f docker-compose-\${{ matrix.app }}.yml run -T --pull missing
          --entrypoint sh -e CI_NODE=\${{ matrix.shard }}
          web -c "bundle exec rspec"
`,
    ".github/workflows/charts.yml": `name: Charts
on:
  push:
    branches: [main]
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - uses: samvera-labs/helm-oci-charts-releaser@main
        with:
          charts_dir: chart
          oci_registry: ghcr.io/samvera
          oci_path: charts
`,
    "docker-compose.yml": "include:\n  - docker-compose-dassie.yml\n",
    ".dassie/.env": "REDIS_PASSWORD=s3cret\nSOLR_HOST=solr\n",
    "docker-compose-dassie.yml": `services:
  web:
    build:
      context: .
      target: hyrax-engine-dev
    image: ghcr.io/samvera/hyrax-dev:\${GITHUB_SHA:-latest}
    command: sh -c 'bundle exec puma -b tcp://0.0.0.0:3000'
    env_file: [.dassie/.env]
    depends_on:
      postgres: { condition: service_healthy }
      redis: { condition: service_healthy }
      fits: { condition: service_healthy }
      chrome: { condition: service_started }
  worker:
    image: ghcr.io/samvera/hyrax-dev:\${GITHUB_SHA:-latest}
    depends_on: [redis]
  chrome:
    image: selenium/standalone-chromium:4
    ports: ["4445:4444"]
  postgres:
    image: postgres:\${PG_VERSION:-15}-alpine
    environment:
      - POSTGRES_USER=app_user
      - POSTGRES_PASSWORD=app_password
    ports: ["5432:5432"]
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U \\"$$POSTGRES_USER\\""]
  fits:
    image: ghcr.io/samvera/fitsservlet:1.6.0
    ports: [8080]
    healthcheck:
      test: ["CMD-SHELL", "curl -sf http://localhost:8080/fits/version || exit 1"]
  redis:
    image: bitnamilegacy/redis:6.2
    env_file: [.dassie/.env]
    healthcheck:
      test: ["CMD-SHELL", "redis-cli -a \\"$$REDIS_PASSWORD\\" ping | grep -q PONG"]
`,
    "docker-compose-koppie.yml":
      "services:\n  web:\n    build: { context: ., target: hyrax-engine-dev }\n    depends_on: [db]\n  db:\n" +
      "    image: postgres:16\n",
    "chart/hyrax/values.yaml":
      'image:\n  repository: ghcr.io/samvera/hyrax/dassie\n  tag: ""\nworker:\n  image:\n' +
      '    repository: ghcr.io/samvera/hyrax/dassie-worker\n    tag: ""\n',
  });
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], { cwd: project, stdio: "ignore" });
  git("init", "-q");
  git("remote", "add", "origin", "https://github.com/samvera/hyrax.git");
  // Learning reads the GitHub address; pushes (the guide's `git push`) go to a local repository.
  if (o.pushTo) git("remote", "set-url", "--push", "origin", o.pushTo);
  git("add", "-A");
  git("commit", "-qm", "snapshot");
  for (const tag of ["v5.0.5", "v.5.0.4", "hyrax-v5.2.0", "hyrax-v5.3.0", "hyrax-chart-3.7.4"]) git("tag", tag);
}
