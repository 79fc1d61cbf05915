import { execFileSync } from "node:child_process";
import { chmodSync } from "node:fs";
import { join } from "node:path";
import { tempTree } from "../../kit/temp-dir.js";

/** The commit time of every conformance project's one commit: what `created` must be on both engines. */
export const COMMIT_TIME = "2026-11-20T07:30:00Z";

// The suite's and the services' commands: the suite reaches b, which serves a's page once a answers.
const SUITE =
  'test "$WRAPPED" = yes && wget -q -O- http://b:8001/ | grep -q from-a && test -f /app/cache/seed && ' +
  "touch /app/cache/written-by-$(id -u)";
const SERVE_A = "mkdir -p /tmp/www && echo from-a > /tmp/www/index.html && exec httpd -f -p 8000 -h /tmp/www";
const SERVE_B =
  "mkdir -p /tmp/www && until wget -q -O /tmp/www/index.html http://a:8000/; do sleep 0.2; done; sleep 1; " +
  "exec httpd -f -p 8001 -h /tmp/www";

/**
 * A project that exercises what both engines must mean the same by. Its image runs as a
 * non-root user behind a wrapper ENTRYPOINT that sets WRAPPED=yes, and holds a seeded
 * /app/cache owned by that user. The suite needs all of it: the entrypoint kept, the
 * cache seeded from the image and writable, service `b` reaching service `a` by name and
 * serving a's page only once `ready` says so, the suite reaching `b` by name. The chart
 * has a local dependency and pins the image. Service `a` is built from the repository for the gate only (never
 * pushed); `b` runs the published image. One git commit at COMMIT_TIME. With
 * `multiPlatform`, the image builds for linux/amd64 and linux/arm64 from that base (an index).
 */
export function conformanceProject(
  registry: string,
  opts: { failingSmoke?: boolean; multiPlatform?: { base: string }; base?: string; plainHttp?: boolean } = {},
): string {
  const root = tempTree({
    Dockerfile: [
      `FROM ${opts.multiPlatform?.base ?? opts.base ?? "localhost/charthouse/busybox:1.35"} AS app`,
      "COPY entry.sh /entry.sh",
      "RUN mkdir -p /app/cache && echo seed > /app/cache/seed && chown -R 1000:1000 /app && chmod 1777 /tmp",
      'ENTRYPOINT ["/entry.sh"]',
      "USER 1000:1000",
      // Service a builds this stage for the gate only (test.services[].build), told apart by its build argument.
      "ARG ROLE=app",
      "LABEL dev.charthouse.test.role=$ROLE",
      "",
    ].join("\n"),
    "entry.sh": '#!/bin/sh\nexport WRAPPED=yes\nexec "$@"\n',
    "charthouse.yaml": `registry: ${registry}${opts.plainHttp ? "\nplainHttp: true" : ""}
images:
  - name: app
    target: app${opts.multiPlatform ? "\n    platforms: [linux/amd64, linux/arm64]" : ""}
    smoke: ["sh", "-c", ${JSON.stringify(opts.failingSmoke ? 'test "$WRAPPED" = no' : 'test "$WRAPPED" = yes')}]
test:
  image: app
  command: ["sh", "-c", ${JSON.stringify(SUITE)}]
  caches: ["/app/cache"]
  services:
    - name: a
      build: { target: app, buildArgs: { ROLE: a } }
      port: 8000
      command: ["sh", "-c", ${JSON.stringify(SERVE_A)}]
      ready: ["wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8000/"]
      readyTimeoutSeconds: 30
    - name: b
      image: app
      port: 8001
      command: ["sh", "-c", ${JSON.stringify(SERVE_B)}]
      ready: ["sh", "-c", "grep -q from-a /tmp/www/index.html && wget -q -O /dev/null http://127.0.0.1:8001/"]
      readyTimeoutSeconds: 30
charts:
  - path: chart/app
    repository: charts
    pins:
      - image: app
        tag: image.tag
        digest: image.digest
`,
    "chart/app/Chart.yaml":
      "apiVersion: v2\nname: app\nversion: 1.0.0\n" +
      "dependencies:\n  - name: dep\n    version: 0.1.0\n    repository: file://../dep\n",
    "chart/app/values.yaml": "image:\n  tag: latest\n",
    "chart/app/templates/cm.yaml":
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  image: {{ .Values.image.tag | quote }}\n",
    "chart/dep/Chart.yaml": "apiVersion: v2\nname: dep\nversion: 0.1.0\n",
    "chart/dep/templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dep\n",
  });
  chmodSync(join(root, "entry.sh"), 0o755);
  const git = (...args: string[]) =>
    execFileSync("git", args, {
      cwd: root,
      stdio: "pipe",
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: "t",
        GIT_AUTHOR_EMAIL: "t@example.org",
        GIT_COMMITTER_NAME: "t",
        GIT_COMMITTER_EMAIL: "t@example.org",
        GIT_COMMITTER_DATE: "2026-11-20T08:30:00+01:00",
        GIT_AUTHOR_DATE: "2026-11-20T08:30:00+01:00",
      },
    });
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("commit", "-q", "-m", "conformance");
  return root;
}
