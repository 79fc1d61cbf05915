// `npm run demo`: the newcomer's first minutes. Starts (or reuses) a throwaway local
// registry and Docker engine, publishes examples/hyrax nightly for real with
// `charthouse publish`, shows what was published and how to look at it, and cleans up
// (`--keep` keeps the registry up until Ctrl-C). `--updater` shows the pull model instead
// (demo/updater-demo.ts): no Docker engine, a local Kubernetes control plane.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { processIo } from "../src/cli/io.js";
import { runCli } from "../src/cli/program.js";
import { ensureBaseImage, ensureDockerEngine, startRegistry } from "../test/kit/index.js";

if (process.argv.includes("--updater")) process.exit(await (await import("./updater-demo.js")).runUpdaterDemo());

const keep = process.argv.includes("--keep");
const say = (text: string) => process.stdout.write(`\x1b[1mdemo:\x1b[0m ${text}\n`);

say("starting a Docker engine (or reusing the one that answers) and a throwaway registry on 127.0.0.1 …");
const engine = await ensureDockerEngine();
await ensureBaseImage(engine.host);
const password = randomBytes(12).toString("hex");
const registry = await startRegistry({ kind: "htpasswd", users: { demo: password } });
const project = mkdtempSync(join(tmpdir(), "charthouse-demo-"));
let code = 1;
try {
  // The example as a project of its own, publishing to the local registry, in a git checkout.
  cpSync(new URL("../../examples/hyrax", import.meta.url).pathname, project, { recursive: true });
  const config = join(project, "charthouse.yaml");
  writeFileSync(config, readFileSync(config, "utf8").replace("registry: ghcr.io/samvera", `registry: ${registry.host}/samvera`));
  const git = (...args: string[]) => execFileSync("git", args, { cwd: project, stdio: "ignore", env: { ...process.env, GIT_AUTHOR_NAME: "demo", GIT_AUTHOR_EMAIL: "demo@example.org", GIT_COMMITTER_NAME: "demo", GIT_COMMITTER_EMAIL: "demo@example.org" } });
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("commit", "-q", "-m", "Hyrax-shaped example");
  say(`registry ${registry.host} (user demo, a random password handed over in the environment); project ${project}`);
  say("running: charthouse publish --nightly\n");

  const io = processIo();
  code = await runCli(["publish", "--nightly"], {
    ...io,
    cwd: project,
    env: { ...process.env, DOCKER_HOST: engine.host, CHARTHOUSE_REGISTRY_USERNAME: "demo", CHARTHOUSE_REGISTRY_PASSWORD: password },
  });
  if (code === 0) {
    const date = new Date().toISOString().slice(0, 10).replaceAll("-", "");
    say("look at what was published:");
    for (const name of ["dassie", "charts/hyrax"]) {
      const command = ["list-tags", "--tls-verify=false", "--creds", "demo:…", `docker://${registry.host}/samvera/${name}`];
      const tags = execFileSync("skopeo", command.map((a) => (a === "demo:…" ? `demo:${password}` : a)), { encoding: "utf8" });
      process.stdout.write(`  $ skopeo ${command.join(" ")}\n${tags.trimEnd().replace(/^/gm, "    ")}\n`);
    }
    process.stdout.write(
      `  $ helm pull oci://${registry.host}/samvera/charts/hyrax --devel --plain-http   # after: helm registry login ${registry.host} -u demo --plain-http\n` +
        `  nightly images are tagged nightly-${date} and nightly; run it again and it has nothing to do.\n`,
    );
    if (keep) {
      say(`keeping the registry at ${registry.host} (password ${password}) until Ctrl-C`);
      await new Promise((resolve) => process.once("SIGINT", resolve));
    }
  }
} finally {
  say("cleaning up: registry stopped, project removed" + (engine.started ? ", Docker engine stopped" : ""));
  await registry.stop();
  rmSync(project, { recursive: true, force: true });
  await engine.stop();
}
process.exit(code);
