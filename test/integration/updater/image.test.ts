import { execFileSync } from "node:child_process";
import { describe, expect, inject, it } from "vitest";
import { ensureNodeBaseImage, NODE_BASE_IMAGE } from "../../kit/index.js";

const ROOT = new URL("../../..", import.meta.url).pathname;

describe("the updater's image, built on the real Docker engine", () => {
  it("builds from a local Node base and runs charthouse sync --help, helm and kubectl inside", async () => {
    const env = { ...process.env, DOCKER_HOST: inject("dockerHost") };
    await ensureNodeBaseImage(env.DOCKER_HOST);
    execFileSync(process.execPath, ["scripts/pack-image.mjs"], { cwd: ROOT, stdio: "pipe" });
    const tag = "localhost/charthouse/charthouse:test";
    execFileSync(
      "docker",
      ["build", "--target", "charthouse-prebuilt", "--build-arg", `NODE_IMAGE=${NODE_BASE_IMAGE}`, "--tag", tag, "."],
      { cwd: ROOT, env, stdio: "pipe" },
    );
    const run = (...args: string[]) =>
      execFileSync("docker", ["run", "--rm", "--network", "none", ...args], { env, encoding: "utf8" });
    const help = run(tag, "sync", "--help");
    expect(help).toMatch(/^Usage: charthouse sync \[options\]/);
    expect(help).toContain("--policy <policy>");
    expect(run("--entrypoint", "helm", tag, "version", "--short")).toMatch(/^v4\.1\.4/);
    expect(run("--entrypoint", "kubectl", tag, "version", "--client")).toMatch(/Client Version: v1\.3\d/);
    // It runs as the non-root user the chart's securityContext asks for.
    expect(run("--entrypoint", "id", tag, "-u").trim()).toBe("65532");
    execFileSync("docker", ["image", "rm", tag], { env, stdio: "pipe" });
  });
});
