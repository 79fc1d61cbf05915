import { describe, expect, it } from "vitest";
import {
  cosignScript,
  daggerBuildOptions,
  daggerHealthcheck,
  helmPushScript,
  pickVariant,
  provenanceScript,
  registryHostOf,
  syftEnvironment,
} from "../../../../src/engines/dagger/dagger-args.js";
import { execFailure, givenCredentials, givenFlags } from "../../../../src/engines/dagger/module-run.js";
import { image } from "../../../kit/builders.js";

// The Dagger adapter's decisions, made in the library so the module (ci/src) only hands them to Dagger calls.
describe("the Dagger adapter's decisions", () => {
  it("finds the registry host of a reference by tag or by digest, port kept", () => {
    expect(registryHostOf("ghcr.io/samvera/dassie:5.0.1")).toBe("ghcr.io");
    expect(registryHostOf("127.0.0.1:5000/samvera/dassie:nightly")).toBe("127.0.0.1:5000");
    expect(registryHostOf(`127.0.0.1:5000/samvera/dassie@sha256:${"a".repeat(64)}`)).toBe("127.0.0.1:5000");
    expect(registryHostOf("localhost:5000/charts/hyrax")).toBe("localhost:5000");
  });

  it(
    "pushes a chart with helm, logged in first (password on stdin) only when there is a username, plain HTTP on " +
      "loopback",
    () => {
      expect(helmPushScript("/charts/hyrax-1.0.0.tgz", "oci://ghcr.io/samvera/charts")).toBe(
        "helm push /charts/hyrax-1.0.0.tgz oci://ghcr.io/samvera/charts",
      );
      expect(helmPushScript("/charts/a.tgz", "oci://127.0.0.1:5000/ns/charts", "ci")).toBe(
        'printf %s "$CHARTHOUSE_REGISTRY_PASSWORD" | helm registry login 127.0.0.1:5000 --username ci ' +
          "--password-stdin " +
          "--plain-http && helm push /charts/a.tgz oci://127.0.0.1:5000/ns/charts --plain-http",
      );
    },
  );

  it("runs cosign logged in to the subject's registry when there is a username", () => {
    const subject = `ghcr.io/samvera/dassie@sha256:${"b".repeat(64)}`;
    expect(cosignScript(subject, ["sign", subject])).toBe(`cosign sign ${subject}`);
    expect(cosignScript(subject, ["sign", subject], "bot")).toBe(
      'printf %s "$CHARTHOUSE_REGISTRY_PASSWORD" | cosign login ghcr.io --username bot --password-stdin && cosign ' +
        `sign ${subject}`,
    );
  });

  it("gives syft plain HTTP on loopback and the username for the subject's registry, never the password", () => {
    expect(syftEnvironment("ghcr.io/samvera/dassie@sha256:c")).toEqual({ SYFT_CHECK_FOR_APP_UPDATE: "false" });
    expect(syftEnvironment("127.0.0.1:5000/ns/app:1", "ci")).toEqual({
      SYFT_CHECK_FOR_APP_UPDATE: "false",
      SYFT_REGISTRY_INSECURE_USE_HTTP: "true",
      SYFT_REGISTRY_AUTH_AUTHORITY: "127.0.0.1:5000",
      SYFT_REGISTRY_AUTH_USERNAME: "ci",
    });
  });

  it("writes helm provenance with the library's signer, the passphrase read from its secret variable", async () => {
    const script = provenanceScript({
      packageFile: "/out/hyrax-3.7.4.tgz",
      chartDir: "/chart",
      keyring: "/run/secrets/keyring",
      name: 'Hyrax "release" signing',
      passphraseVariable: "GPG_PASSPHRASE",
      workDir: "/run/gnupg",
    });
    // Run as the node tool runs it, against a stand-in library that records what it was asked.
    const calls: unknown[] = [];
    const lib = {
      Secret: class {
        constructor(readonly value: string) {}
      },
      writeHelmProvenance: async (o: unknown) => void calls.push(o),
    };
    const env = { GPG_PASSPHRASE: "pass" };
    const run = new Function("lib", "process", `return (async () => { ${script} })();`);
    await run(lib, { env });
    expect(calls).toEqual([
      {
        packageFile: "/out/hyrax-3.7.4.tgz",
        chartDir: "/chart",
        gpg: { keyring: "/run/secrets/keyring", name: 'Hyrax "release" signing', passphrase: new lib.Secret("pass") },
        env,
        workDir: "/run/gnupg",
      },
    ]);
    expect(script).not.toContain('pass"');
  });

  it("picks the variant for a platform, else the engine's own, else the first; a platform not built is a bug", () => {
    const variants = [
      { platform: "linux/amd64", n: 1 },
      { platform: "linux/arm64", n: 2 },
    ];
    expect(pickVariant(variants, "linux/arm64", "linux/amd64").n).toBe(2);
    expect(pickVariant(variants, undefined, "linux/arm64").n).toBe(2);
    expect(pickVariant(variants, undefined, "linux/s390x").n).toBe(1);
    expect(() => pickVariant(variants, "linux/s390x", "linux/amd64")).toThrow(/not built for linux\/s390x/);
  });

  it("builds with the Dockerfile relative to the context, the build args as name/value pairs", () => {
    const { build } = {
      build: {
        ...image("dassie", { context: "/p/app", dockerfile: "/p/app/docker/Dockerfile", buildArgs: { A: "1" } }),
      },
    };
    const spec = {
      context: build.context,
      dockerfile: build.dockerfile,
      target: "dassie",
      buildArgs: build.buildArgs,
      platforms: build.platforms,
    };
    expect(daggerBuildOptions(spec, "linux/arm64")).toEqual({
      dockerfile: "docker/Dockerfile",
      platform: "linux/arm64",
      target: "dassie",
      buildArgs: [{ name: "A", value: "1" }],
    });
  });

  it("awaits a service by its ready command as a healthcheck for its whole timeout, else by its port", () => {
    const service = { name: "solr", image: "solr:9", port: 8983, env: {}, readyTimeoutSeconds: 90 };
    expect(daggerHealthcheck(service)).toBeUndefined();
    expect(daggerHealthcheck({ ...service, ready: ["solr", "healthcheck"] })).toEqual({
      args: ["solr", "healthcheck"],
      opts: { startPeriod: "90s", startInterval: "250ms", interval: "1s", retries: 1 },
    });
  });

  it("reads a function's arguments as given: empty strings and false are not; a password needs its username", () => {
    expect(givenFlags({ nightly: false, tag: "", branch: "main", pr: false, sha: "", date: "2026-11-24" })).toEqual({
      nightly: false,
      tag: undefined,
      branch: "main",
      pr: undefined,
      sha: undefined,
      date: "2026-11-24",
    });
    expect(givenCredentials("bot", undefined)).toBeUndefined();
    expect(givenCredentials("bot", "secret")).toEqual({ username: "bot", password: "secret" });
    expect(() => givenCredentials("", "secret")).toThrow("--registry-password needs --registry-username");
  });

  it("turns a failed exec into the step's failure with the command's output", () => {
    const failed = execFailure({ message: "exit code: 1", stdout: "out", stderr: "err" });
    expect([failed.message, failed.output]).toEqual(["exit code: 1", "out\nerr"]);
  });
});
