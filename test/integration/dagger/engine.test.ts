import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { RegistryClient } from "../../../src/registry/index.js";
import { rootfsTar } from "../../kit/base-index.js";
import {
  DAGGER_VERSION,
  daggerEngineMissing,
  useDaggerEngine,
  type SharedDaggerEngine,
} from "../../kit/dagger-engine.js";
import { execTool, requireTool, startRegistry, type LocalRegistry } from "../../kit/index.js";
import { pushOneLayerImage, sha256 } from "../../kit/oci-image.js";

const missing = daggerEngineMissing();
const repo = new URL("../../../", import.meta.url).pathname;

describe.skipIf(missing)(missing ? `the real Dagger engine (skipped: ${missing})` : "the real Dagger engine", () => {
  let engine: SharedDaggerEngine;
  let registry: LocalRegistry;
  let busybox: string;
  const dagger = (args: string[], cwd?: string) => execTool(engine.cli, args, { env: engine.env(), cwd });

  beforeAll(async () => {
    engine = await useDaggerEngine(inject("daggerEngine"));
    // Started after the engine: the engine reaches it all the same, at the reference the host uses.
    registry = await startRegistry();
    const tar = rootfsTar(requireTool("busybox"));
    const config = {
      architecture: "amd64",
      os: "linux",
      config: { Env: ["PATH=/usr/local/bin:/usr/bin:/bin"], Cmd: ["sh"] },
      rootfs: { type: "layers", diff_ids: [sha256(tar)] },
    };
    await pushOneLayerImage(new RegistryClient(), `${registry.host}/busybox`, gzipSync(tar), config, "local");
    busybox = `${registry.host}/busybox:local`;
  }, 300_000);
  afterAll(() => registry?.stop());

  it("is the pinned version, through the real CLI", async () => {
    const { stdout } = await dagger(["version"]);
    expect(stdout).toContain(`dagger ${DAGGER_VERSION}`);
    expect((await dagger(["core", "version"])).stdout.trim()).toBe(DAGGER_VERSION);
  });

  it("runs a container from an image on the host's loopback registry", async () => {
    const { stdout } = await dagger([
      "core",
      "container",
      "from",
      `--address=${busybox}`,
      "with-exec",
      "--args=sh,-c,echo hello from $(uname -m) busybox",
      "stdout",
    ]);
    expect(stdout.trim()).toBe("hello from x86_64 busybox");
  });

  it("publishes to the host's loopback registry, which the host then reads", async () => {
    const target = `${registry.host}/published:${Date.now()}`;
    const { stdout } = await dagger([
      "core",
      "container",
      "from",
      `--address=${busybox}`,
      "with-new-file",
      "--path=/hello.txt",
      "--contents=from the engine",
      "publish",
      `--address=${target}`,
    ]);
    const [, digest] = stdout.trim().split("@");
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const at = target.lastIndexOf(":");
    const head = await new RegistryClient().headManifest(target.slice(0, at), target.slice(at + 1));
    expect(head?.digest).toBe(digest);
  });

  it("lists the module's functions from a copy of only dagger.json and ci/", async (ctx) => {
    if (!engine.sdk) ctx.skip("the builtin SDK content is not built: run `bash .ci/run`");
    const copy = mkdtempSync(join(tmpdir(), "charthouse-module-"));
    try {
      cpSync(join(repo, "dagger.json"), join(copy, "dagger.json"));
      cpSync(join(repo, "ci"), join(copy, "ci"), { recursive: true });
      const { stdout } = await dagger(["functions"], copy);
      expect(stdout).toMatch(/\bpublish\b/);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  }, 600_000);
});
