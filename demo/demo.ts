// `npm run demo`: the newcomer's first minutes. Starts (or reuses) a throwaway local
// registry and Docker engine, publishes examples/hyrax nightly for real with
// `charthouse publish`, shows what was published and how to look at it, and cleans up
// (`--keep` keeps the registry up until Ctrl-C). `--platforms linux/amd64,linux/arm64`
// publishes every image for both (BuildKit; arm64 under QEMU), prints one published
// index and runs the arm64 image pulled back from the registry. `--updater` shows the pull
// model instead (demo/updater-demo.ts): no Docker engine, a local Kubernetes control plane.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { processIo } from "../src/cli/io.js";
import { runCli } from "../src/cli/program.js";
import { helmBinary, runProcess } from "../src/exec/index.js";
import { toolEnvironment } from "../src/engines/docker/index.js";
import { RegistryClient, Secret } from "../src/registry/index.js";
import { cosignArgs } from "../src/signing/index.js";
import { pushBaseIndex } from "../test/kit/base-index.js";
import { installBuildxPlugin } from "../test/kit/buildkit.js";
import { configureExample } from "../test/kit/example.js";
import { ensureBaseImage, ensureDockerEngine, startRegistry } from "../test/kit/index.js";
import { builtTool, cosignKeyPair, gpgKeyring, keyOnlyTrustedRoot } from "../test/kit/sigstore.js";

if (process.argv.includes("--updater")) process.exit(await (await import("./updater-demo.js")).runUpdaterDemo());

const keep = process.argv.includes("--keep");
const platformsAt = process.argv.indexOf("--platforms");
const platforms = platformsAt > 0 ? (process.argv[platformsAt + 1] ?? "").split(",").filter(Boolean) : [];
if (platformsAt > 0 && platforms.length === 0) {
  process.stderr.write("demo: --platforms needs a list, e.g. --platforms linux/amd64,linux/arm64\n");
  process.exit(2);
}
const say = (text: string) => process.stdout.write(`\x1b[1mdemo:\x1b[0m ${text}\n`);

say("starting a Docker engine (or reusing the one that answers) and a throwaway registry on 127.0.0.1 …");
const engine = await ensureDockerEngine();
await ensureBaseImage(engine.host);
const password = randomBytes(12).toString("hex");
const registry = await startRegistry({ kind: "htpasswd", users: { demo: password } });
const project = mkdtempSync(join(tmpdir(), "charthouse-demo-"));
const keys = mkdtempSync(join(tmpdir(), "charthouse-demo-keys-"));
let code = 1;
try {
  // The example as a project of its own, publishing to the local registry, in a git checkout.
  cpSync(new URL("../../examples/hyrax", import.meta.url).pathname, project, { recursive: true });
  let multi: { platforms: readonly string[]; base: string } | undefined;
  if (platforms.length > 1) {
    // BuildKit resolves a base per platform: busybox for both, as one index in the registry.
    say(`publishing for ${platforms.join(" and ")}: the busybox base goes into the registry as an index of both`);
    multi = {
      platforms,
      base: await pushBaseIndex(
        new RegistryClient({ credentials: { username: "demo", password: new Secret(password) } }),
        registry.host,
      ),
    };
  }
  configureExample(project, `${registry.host}/samvera`, multi);
  const git = (...args: string[]) =>
    execFileSync("git", args, {
      cwd: project,
      stdio: "ignore",
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: "demo",
        GIT_AUTHOR_EMAIL: "demo@example.org",
        GIT_COMMITTER_NAME: "demo",
        GIT_COMMITTER_EMAIL: "demo@example.org",
      },
    });
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("commit", "-q", "-m", "Hyrax-shaped example");
  say(`registry ${registry.host} (user demo, a random password handed over in the environment); project ${project}`);

  // Signing keys as a maintainer makes them (docs/signing.md), outside the project: a cosign
  // key pair and a GnuPG key for helm provenance, each with a random password.
  const signingPassword = randomBytes(12).toString("hex");
  const gpgPassphrase = randomBytes(12).toString("hex");
  let signing: { args: string[]; env: Record<string, string>; publicKey: string; pubring: string } | undefined;
  try {
    const cosign = await cosignKeyPair(join(keys, "cosign"), signingPassword);
    const gpg = await gpgKeyring(join(keys, "gpg"), "charthouse demo", gpgPassphrase);
    const path = [dirname(builtTool("cosign")), dirname(builtTool("syft")), process.env.PATH].join(":");
    signing = {
      args: ["--gpg-keyring", gpg.secring, "--gpg-key", "charthouse demo"],
      env: {
        PATH: path,
        CHARTHOUSE_SIGNING_KEY: cosign.pem,
        CHARTHOUSE_SIGNING_PASSWORD: signingPassword,
        CHARTHOUSE_GPG_PASSPHRASE: gpgPassphrase,
      },
      publicKey: cosign.publicKey,
      pubring: gpg.pubring,
    };
    say("signing with a fresh cosign key pair and GnuPG key (their passwords handed over in the environment)");
  } catch (error) {
    say(`publishing unsigned: ${(error as Error).message.split("\n")[0]}`);
  }
  say(`running: charthouse publish --nightly ${signing?.args.join(" ") ?? ""}\n`);

  const io = processIo();
  if (multi) installBuildxPlugin();
  code = await runCli(["publish", "--nightly", ...(signing?.args ?? [])], {
    ...io,
    cwd: project,
    env: {
      ...process.env,
      DOCKER_HOST: engine.host,
      CHARTHOUSE_REGISTRY_USERNAME: "demo",
      CHARTHOUSE_REGISTRY_PASSWORD: password,
      ...signing?.env,
    },
  });
  if (code === 0) {
    const date = new Date().toISOString().slice(0, 10).replaceAll("-", "");
    say("look at what was published:");
    for (const name of ["dassie", "charts/hyrax"]) {
      const command = [
        "list-tags",
        "--tls-verify=false",
        "--creds",
        "demo:…",
        `docker://${registry.host}/samvera/${name}`,
      ];
      const tags = execFileSync(
        "skopeo",
        command.map((a) => (a === "demo:…" ? `demo:${password}` : a)),
        { encoding: "utf8" },
      );
      process.stdout.write(`  $ skopeo ${command.join(" ")}\n${tags.trimEnd().replace(/^/gm, "    ")}\n`);
    }
    if (multi) {
      const tools = toolEnvironment(
        join(project, ".demo-tools"),
        registry.host,
        { username: "demo", password: new Secret(password) },
        { ...process.env, DOCKER_HOST: engine.host },
      );
      const reference = `${registry.host}/samvera/dassie:nightly-${date}`;
      const raw = execFileSync(
        "skopeo",
        ["inspect", "--raw", "--tls-verify=false", "--creds", `demo:${password}`, `docker://${reference}`],
        { encoding: "utf8" },
      );
      process.stdout.write(
        `  $ skopeo inspect --raw --tls-verify=false --creds demo:… docker://${reference}\n` +
          `${JSON.stringify(JSON.parse(raw), null, 2).replace(/^/gm, "    ")}\n`,
      );
      const arm64 = (
        JSON.parse(raw) as { manifests: { digest: string; platform: { architecture: string } }[] }
      ).manifests.find((m) => m.platform.architecture === "arm64");
      if (arm64) {
        const image = `${registry.host}/samvera/dassie@${arm64.digest}`;
        execFileSync("docker", ["pull", "--quiet", image], { env: tools, stdio: "ignore" });
        const arch = execFileSync("docker", ["run", "--rm", "--network", "none", image, "uname", "-m"], {
          env: tools,
          encoding: "utf8",
          stdio: ["ignore", "pipe", "ignore"],
        });
        process.stdout.write(`  $ docker pull ${image} && docker run --rm ${image} uname -m\n    ${arch.trim()}\n`);
        execFileSync("docker", ["image", "rm", image], { env: tools, stdio: "ignore" });
      }
    }
    if (signing) {
      // What a cluster operator runs to check what they are about to deploy.
      const login = toolEnvironment(join(keys, "tools"), registry.host, {
        username: "demo",
        password: new Secret(password),
      });
      const tools = { ...login, PATH: `${dirname(builtTool("cosign"))}:${login.PATH}` };
      const image = `${registry.host}/samvera/dassie:nightly-${date}`;
      // The key alone is trusted, as an air-gapped operator does: cosign fetches no public-good root over TUF.
      const trustedRoot = keyOnlyTrustedRoot(keys);
      const verify = cosignArgs.verify(signing.publicKey, image, { plainHttp: true, trustedRoot });
      const verified = await runProcess(builtTool("cosign"), verify, { env: tools });
      process.stdout.write(`  $ cosign ${verify.join(" ")}\n${verified.output.trimEnd().replace(/^/gm, "    ")}\n`);
      const pulled = join(keys, "pulled");
      mkdirSync(pulled);
      const chartVersion = (
        await runProcess(
          helmBinary(),
          ["show", "chart", `oci://${registry.host}/samvera/charts/hyrax`, "--devel", "--plain-http"],
          { env: tools },
        )
      ).stdout.match(/^version: (.+)$/m)?.[1];
      const pull = [
        "pull",
        `oci://${registry.host}/samvera/charts/hyrax`,
        "--version",
        chartVersion ?? "",
        "--plain-http",
        "--destination",
        pulled,
        "--verify",
        "--keyring",
        signing.pubring,
      ];
      const checked = await runProcess(helmBinary(), pull, { env: tools });
      process.stdout.write(`  $ helm ${pull.join(" ")}\n${checked.output.trimEnd().replace(/^/gm, "    ")}\n`);
      if (verified.code !== 0 || checked.code !== 0) code = 1;
    }
    process.stdout.write(
      `  $ helm pull oci://${registry.host}/samvera/charts/hyrax --devel --plain-http   # after: helm registry login ` +
        `${registry.host} -u demo --plain-http\n` +
        `  nightly images are tagged nightly-${date} and nightly; run it again and it has nothing to do.\n`,
    );
    if (keep) {
      say(`keeping the registry at ${registry.host} (password ${password}) until Ctrl-C`);
      await new Promise((resolve) => process.once("SIGINT", resolve));
    }
  }
} finally {
  say(
    "cleaning up: registry stopped, project and its images removed" + (engine.started ? ", Docker engine stopped" : ""),
  );
  // Only the images tagged for this registry: the engine may be shared.
  const dockerEnv = { ...process.env, DOCKER_HOST: engine.host };
  const images = execFileSync("docker", ["images", "--format", "{{.Repository}}:{{.Tag}}"], {
    env: dockerEnv,
    encoding: "utf8",
  })
    .split("\n")
    .filter((i) => i.startsWith(`${registry.host}/`));
  if (images.length) execFileSync("docker", ["image", "rm", "--force", ...images], { env: dockerEnv, stdio: "ignore" });
  await registry.stop();
  rmSync(project, { recursive: true, force: true });
  rmSync(keys, { recursive: true, force: true });
  await engine.stop();
}
process.exit(code);
