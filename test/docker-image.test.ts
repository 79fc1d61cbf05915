import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { BASE_IMAGE } from "../src/local/index.js";
import { readTag, RegistryClient } from "../src/registry/index.js";
import { toolEnvironment } from "../src/run/tool-env.js";
import { CANARY, creds, useCanaryRegistry } from "./helpers/registry.js";
import { filesContaining, tempTree } from "./helpers/temp-dir.js";

const EXAMPLE = new URL("../examples/hyrax/", import.meta.url).pathname;
const COMMIT = "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d";
const ci = creds("ci", CANARY);

const canaryRegistry = useCanaryRegistry();

describe("the real Docker engine", () => {
  it("builds the example's dassie target from the local busybox base, runs it, pushes it without writing the password anywhere", async () => {
    const work = tempTree();
    const env = { ...toolEnvironment(join(work, "tools"), canaryRegistry().host, ci), DOCKER_HOST: inject("dockerHost") };
    const docker = (args: string[]) => execFileSync("docker", args, { env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    expect(docker(["image", "inspect", "--format", "{{.Id}}", BASE_IMAGE])).toMatch(/^sha256:/);

    const ref = `${canaryRegistry().host}/samvera/dassie:nightly-20261124`;
    docker(["build", "--target", "dassie", "--label", `org.opencontainers.image.revision=${COMMIT}`, "--label", "org.opencontainers.image.version=nightly-20261124", "-t", ref, EXAMPLE]);
    expect(docker(["run", "--rm", "--network", "none", ref, "sh", "-c", "sh /app/samvera/bin/smoke && cat APP"])).toBe("hyrax-engine\ndassie\n");

    docker(["push", ref]);
    const record = await readTag(new RegistryClient({ credentials: ci }), `${canaryRegistry().host}/samvera/dassie`, "nightly-20261124");
    expect(record).toMatchObject({ revision: COMMIT, version: "nightly-20261124" });
    expect(filesContaining(work, CANARY)).toEqual([]);
    docker(["image", "rm", ref]);
  });
});
