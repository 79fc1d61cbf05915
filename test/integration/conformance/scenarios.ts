/**
 * What both engines must mean the same by, as one list. Each scenario names a meaning of
 * an Engine primitive (src/release/engine.ts) and says how it shows on each engine: on
 * Docker, in what a real run does (a gate that passes only if the meaning holds, a label,
 * bytes); on Dagger, in the engine calls the module makes that carry the meaning, as the
 * recording engine sees them through the engine-faithful harness.
 */
import { TOOL_IMAGES } from "../../../src/engines/dagger/tools.js";
import type { Effect } from "../../kit/fake-engine.js";

/** A run of the conformance project on Docker, for real. */
export interface DockerRun {
  readonly code: number;
  readonly output: string;
  /** The tags the registry holds, by repository name (`app`, `charts/app`). */
  tags(name: string): Promise<string[]>;
  /** org.opencontainers.image.created of a pushed image or chart tag. */
  created(name: string, tag: string): Promise<string | undefined>;
  /** The digest a tag holds. */
  digest(name: string, tag: string): Promise<string | undefined>;
  /**
   * The platforms of the image index a tag holds (`linux/arm64`), each child's revision label, and the index's
   * annotation; null when no index.
   */
  index(
    name: string,
    tag: string,
  ): Promise<{ platforms: string[]; childRevisions: (string | undefined)[]; revision?: string } | null>;
  /** values.yaml of a pushed chart version. */
  chartValues(name: string, version: string): Promise<string>;
  /** The helm provenance layer of a pushed chart version (its text) and the digest of the chart layer beside it. */
  provenance(name: string, version: string): Promise<{ text: string; chartDigest: string } | undefined>;
}

/** A run of the conformance project through the Dagger module, recorded. */
export interface DaggerRun {
  readonly failed: boolean;
  readonly effects: readonly Effect[];
  /** What the call printed: the run's progress and result. */
  readonly output: string;
  /** The digest a tag holds in the harness's registry (where the fake engine's publishes land). */
  digest(name: string, tag: string): Promise<string | undefined>;
}

export interface Worlds {
  readonly docker: {
    publish(): Promise<DockerRun>;
    failingGate(): Promise<DockerRun>;
    dryRun(): Promise<DockerRun>;
    signedPublish(): Promise<DockerRun>;
    provenancePublish(): Promise<DockerRun>;
    chartPackage(): Promise<Buffer>;
    multiPlatform(): Promise<DockerRun>;
  };
  readonly dagger: {
    publish(): Promise<DaggerRun>;
    failingGate(): Promise<DaggerRun>;
    dryRun(): Promise<DaggerRun>;
    signedPublish(): Promise<DaggerRun>;
    provenancePublish(): Promise<DaggerRun>;
    chartPackage(): Promise<Buffer>;
    multiPlatform(): Promise<DaggerRun>;
  };
}

export interface Scenario {
  readonly name: string;
  readonly docker: (w: Worlds["docker"]) => Promise<void>;
  readonly dagger: (w: Worlds["dagger"]) => Promise<void>;
}

type Expect = (
  actual: unknown,
  message?: string,
) => {
  toBe(v: unknown): void;
  toEqual(v: unknown): void;
  toBeGreaterThan(v: number): void;
  toBeLessThan(v: number): void;
  toMatch(v: RegExp): void;
  toContain(v: unknown): void;
  toMatchObject(v: object): void;
  readonly not: { toContain(v: unknown): void };
};

const REVISION = "org.opencontainers.image.revision";
const publishesOf = (run: DaggerRun) =>
  run.effects
    .filter((e) => e.kind === "publish")
    .map(
      (e) =>
        e.detail as {
          address: string;
          variants: number;
          platforms: { platform: string; labels: Record<string, string>; annotations: Record<string, string> }[];
        },
    );

const execsOf = (run: DaggerRun) =>
  run.effects
    .filter((e) => e.kind === "exec")
    .map(
      (e) =>
        e.detail as {
          args: string[];
          useEntrypoint: boolean;
          image?: {
            platform?: string;
            from?: string;
            files?: Record<string, string>;
            secrets?: Record<string, string>;
          };
        },
    );
const servicesOf = (run: DaggerRun) =>
  run.effects
    .filter((e) => e.kind === "service-start")
    .map(
      (e) =>
        e.detail as { hostname?: string; useEntrypoint?: boolean; args?: string[]; healthcheck?: { args: string[] } },
    );
const isProjectCommand = (args: string[]) => args.join(" ").includes("WRAPPED");

export function scenarios(
  expect: Expect,
  commitTime: string,
  signingPem: () => string,
  gpg: { readonly key: string; readonly passphrase: string },
): Scenario[] {
  const chartFile = "app-1.0.0-nightly.20261124.tgz";
  return [
    {
      name: "with a signing key, cosign signs and attests every pushed digest, the key reaching it only as a secret",
      // Docker: the registry holds cosign's signature and attestations of the image (cosign ran for real).
      docker: async (w) => {
        const run = await w.signedPublish();
        expect(run.code, run.output).toBe(0);
        const tags = await run.tags("app");
        expect(tags.filter((t) => /^sha256-[0-9a-f]{64}\.sig$/.test(t)).length, tags.join(" ")).toBe(1);
        expect(tags.filter((t) => /^sha256-[0-9a-f]{64}\.att$/.test(t)).length, tags.join(" ")).toBe(1);
        expect((await run.tags("charts/app")).some((t) => t.endsWith(".sig"))).toBe(true);
        expect(run.output).not.toContain(signingPem().split("\n")[1]!);
      },
      // Dagger: cosign sign and attest of each pushed digest by env:// key, the key and its password as secret
      // variables, never in an argument.
      dagger: async (w) => {
        const run = await w.signedPublish();
        expect(run.failed).toBe(false);
        const cosign = execsOf(run)
          .map((e) => e.args.join(" "))
          .filter((a) => a.includes("cosign "));
        const signs = cosign.filter((a) =>
          a.includes("cosign sign --key env://COSIGN_PRIVATE_KEY --tlog-upload=false"),
        );
        expect(signs.length).toBe(2); // the image and the chart
        expect(
          cosign.filter((a) => a.includes("cosign attest --key env://COSIGN_PRIVATE_KEY --type spdxjson")).length,
        ).toBe(1);
        expect(cosign.filter((a) => a.includes("--type slsaprovenance1")).length).toBe(2);
        const secrets = run.effects.filter((e) => e.kind === "secret-variable").map((e) => e.detail.name);
        expect(secrets).toContain("COSIGN_PRIVATE_KEY");
        expect(secrets).toContain("COSIGN_PASSWORD");
        expect(JSON.stringify(run.effects)).not.toContain(signingPem().split("\n")[1]!);
      },
    },
    {
      name: "with a GnuPG key, every chart is pushed with the helm provenance of its canonical bytes",
      // Docker: the chart's manifest carries a provenance layer, a clear-signed message naming the pushed chart layer.
      docker: async (w) => {
        const run = await w.provenancePublish();
        expect(run.code, run.output).toBe(0);
        const pushed = await run.provenance("charts/app", "1.0.0-nightly.20261124");
        expect(pushed?.text ?? "").toMatch(/^-----BEGIN PGP SIGNED MESSAGE-----/);
        expect(pushed?.text ?? "").toContain(`${chartFile}: ${pushed?.chartDigest}`);
        expect(pushed?.text ?? "").toMatch(/-----BEGIN PGP SIGNATURE-----/);
        expect(run.output).not.toContain(gpg.passphrase);
      },
      // Dagger: the library's own signer (as on Docker) on the canonical package, in the gpg image, the keyring a
      // mounted secret and the passphrase a secret variable; helm push finds the .prov beside the package.
      dagger: async (w) => {
        const run = await w.provenancePublish();
        expect(run.failed).toBe(false);
        const signer = execsOf(run).filter((e) => e.args.join(" ").includes("lib.writeHelmProvenance("));
        expect(signer.length).toBeGreaterThan(0);
        const script = signer[0]!.args.join(" ");
        expect(signer[0]!.image?.from).toBe(TOOL_IMAGES.gpg);
        expect(script).toContain(`packageFile: "/out/${chartFile}"`);
        expect(script).toContain(`name: ${JSON.stringify(gpg.key)}`);
        expect(script).toContain('passphrase: new lib.Secret(process.env["CHARTHOUSE_GPG_PASSPHRASE"] ?? "")');
        const canonical = script.indexOf(`lib.canonicalizePackage("/out/${chartFile}")`);
        expect(canonical, "canonicalised first: signed as it ships").toBeGreaterThan(-1);
        expect(canonical).toBeLessThan(script.indexOf("lib.writeHelmProvenance("));
        // The signer's container: the keyring a secret mounted where the script reads it, the passphrase a variable.
        const keyring = JSON.parse(/keyring: ("[^"]+")/.exec(script)?.[1] ?? '""') as string;
        const secrets = signer[0]!.image?.secrets ?? {};
        expect(secrets[keyring], `the keyring at ${keyring}`).toMatch(/^fake-Secret-\d+$/);
        expect(secrets.$CHARTHOUSE_GPG_PASSPHRASE).toMatch(/^fake-Secret-\d+$/);
        const push = execsOf(run).find((e) => e.args.join(" ").includes("helm push"));
        expect(push?.image?.files?.[`/charts/${chartFile}.prov`], "the .prov beside the pushed package").toBe(
          `${chartFile}.prov`,
        );
        expect(JSON.stringify(run.effects)).not.toContain(gpg.passphrase);
      },
    },
    {
      name: "the image's entrypoint is kept for smoke tests, the suite and services",
      // The smoke test and the suite pass only if entry.sh ran (it sets WRAPPED=yes).
      docker: async (w) => expect((await w.publish()).code, (await w.publish()).output).toBe(0),
      dagger: async (w) => {
        const run = await w.publish();
        const project = execsOf(run).filter((e) => isProjectCommand(e.args));
        expect(project.length).toBeGreaterThan(1);
        for (const e of project) expect(e.useEntrypoint, e.args.join(" ")).toBe(true);
        for (const s of servicesOf(run)) expect(s.useEntrypoint, s.hostname).toBe(true);
      },
    },
    {
      name: "a cache starts with the image's content and ownership, writable by the image's non-root user",
      // The suite runs as uid 1000: it reads /app/cache/seed (the image's) and writes beside it.
      docker: async (w) => expect((await w.publish()).code).toBe(0),
      dagger: async (w) => {
        const caches = (await w.publish()).effects
          .filter((e) => e.kind === "cache")
          .map((e) => e.detail as { path: string; source?: { fromContainer?: { path: string } }; owner?: string });
        const cache = caches.find((c) => c.path === "/app/cache");
        expect(cache?.source?.fromContainer?.path, "seeded from the image's /app/cache").toBe("/app/cache");
        expect(cache?.owner, "owned as the image's user").toBe("1000:1000");
      },
    },
    {
      name: "services reach each other and the suite by name",
      // b fetches a's page from http://a:8000/, the suite fetches it from http://b:8001/.
      docker: async (w) => expect((await w.publish()).code).toBe(0),
      dagger: async (w) => {
        const run = await w.publish();
        expect(
          servicesOf(run)
            .map((s) => s.hostname)
            .sort(),
        ).toEqual(["a", "b"]);
        const bound = run.effects.filter((e) => e.kind === "service-binding").map((e) => e.detail.alias as string);
        expect([...new Set(bound)].sort()).toEqual(["a", "b"]);
      },
    },
    {
      name: "a service built from the repository is built for the gate and never pushed",
      // Docker: its build is a gate step (the suite needs its page), and nothing pushes its local name.
      docker: async (w) => {
        const run = await w.publish();
        expect(run.code, run.output).toBe(0);
        expect(run.output).toMatch(/build gate\/a \(app\) as localhost\/charthouse-gate\/\S+ … ok/);
        expect(/push\S* localhost\/charthouse-gate/.test(run.output), "a push of the gate's image").toBe(false);
      },
      // Dagger: its own build (its build argument) runs as service a; no publish names it.
      dagger: async (w) => {
        const run = await w.publish();
        expect(run.failed).toBe(false);
        const builds = run.effects
          .filter((e) => e.kind === "build")
          .map((e) => e.detail as { buildArgs: { name: string; value: string }[] });
        expect(builds.some((b) => b.buildArgs.some((a) => a.name === "ROLE" && a.value === "a"))).toBe(true);
        expect(servicesOf(run).map((s) => s.hostname)).toContain("a");
        for (const p of publishesOf(run)) expect(p.address).not.toContain("charthouse-gate");
      },
    },
    {
      name: "each service is awaited by its ready command, run in its own container",
      // b serves a's page only a second after it got it; the suite expects it there.
      docker: async (w) => expect((await w.publish()).output).toMatch(/test in app with a, b: .* … ok/),
      dagger: async (w) => {
        const services = servicesOf(await w.publish());
        const b = services.find((s) => s.hostname === "b");
        expect(b?.healthcheck?.args, "b's ready command as its container's healthcheck").toEqual([
          "sh",
          "-c",
          "grep -q from-a /tmp/www/index.html && wget -q -O /dev/null http://127.0.0.1:8001/",
        ]);
      },
    },
    {
      name: "created is the commit's time, read from git, on images and charts",
      docker: async (w) => {
        const run = await w.publish();
        expect(await run.created("app", "nightly-20261124")).toBe(commitTime);
        expect(await run.created("charts/app", "1.0.0-nightly.20261124")).toBe(commitTime);
      },
      dagger: async (w) => {
        const run = await w.publish();
        const labels = run.effects
          .filter((e) => e.kind === "publish")
          .map((e) => (e.detail.labels as Record<string, string>)["org.opencontainers.image.created"]);
        expect(labels).toEqual([commitTime]);
        const stage = run.effects.find((e) => e.kind === "mount" && e.detail.trees);
        expect(stage?.detail.timestamps, "staged chart files carry the commit's time").toBe(
          Date.parse(commitTime) / 1000,
        );
      },
    },
    {
      name: "the same chart packages to the same bytes",
      docker: async (w) => expect((await w.chartPackage()).length).toBeGreaterThan(0),
      dagger: async (w) => expect((await w.chartPackage()).length).toBeGreaterThan(0),
    },
    {
      name:
        "a multi-platform image is one index under its immutable tag, every platform carrying the revision; the " +
        "alias copies it, the chart pins it",
      docker: async (w) => {
        const run = await w.multiPlatform();
        expect(run.code, run.output).toBe(0);
        expect(run.output).toMatch(/smoke-test app on linux\/arm64: .* … ok \d+\.\ds \(emulated on linux\/amd64\)/);
        const index = await run.index("app", "nightly-20261124");
        expect(index?.platforms.sort()).toEqual(["linux/amd64", "linux/arm64"]);
        expect(new Set(index?.childRevisions).size).toBe(1);
        expect(index?.childRevisions[0]).toMatch(/^[0-9a-f]{40}$/);
        expect(index?.revision).toBe(index?.childRevisions[0]);
        const digest = await run.digest("app", "nightly-20261124");
        expect(await run.digest("app", "nightly")).toBe(digest);
        expect(await run.chartValues("charts/app", "1.0.0-nightly.20261124")).toContain(digest);
      },
      dagger: async (w) => {
        const run = await w.multiPlatform();
        expect(run.failed).toBe(false);
        const [publish, ...more] = publishesOf(run);
        expect(more).toEqual([]);
        expect(publish?.address).toMatch(/\/app:nightly-20261124$/);
        expect(publish?.variants, "one container publishes, the other as its platformVariants").toBe(1);
        expect(publish?.platforms.map((p) => p.platform)).toEqual(["linux/amd64", "linux/arm64"]);
        for (const p of publish!.platforms) {
          expect(p.labels[REVISION], `${p.platform}'s config label`).toMatch(/^[0-9a-f]{40}$/);
          expect(p.annotations[REVISION], `${p.platform}'s manifest annotation`).toBe(p.labels[REVISION]);
        }
        expect(run.output).toMatch(/smoke-test app on linux\/arm64: .* … ok \d+\.\ds \(emulated on linux\/amd64\)/);
        expect(run.output).toMatch(/smoke-test app on linux\/amd64: .* … ok \d+\.\ds\n/);
        // The smoke test ran on each platform's container.
        const smokes = execsOf(run).filter(
          (e) => e.args.join(" ").includes('"$WRAPPED" = yes') && !e.args.join(" ").includes("wget"),
        );
        expect(smokes.map((e) => e.image?.platform).sort()).toEqual(["linux/amd64", "linux/arm64"]);
        const digest = await run.digest("app", "nightly-20261124");
        expect(digest).toMatch(/^sha256:/);
        expect(await run.digest("app", "nightly")).toBe(digest);
        const staged = run.effects
          .filter((e) => e.kind === "mount" && e.detail.files)
          .map((e) => (e.detail.files as Record<string, string>)["chart/app/values.yaml"] ?? "");
        expect(
          staged.some((values) => values.includes(digest!)),
          "the packaged chart's values pin the index digest",
        ).toBe(true);
      },
    },
    {
      name: "a failing gate publishes nothing",
      docker: async (w) => {
        const run = await w.failingGate();
        expect(run.code).toBe(4);
        expect(await run.tags("app")).toEqual([]);
        expect(await run.tags("charts/app")).toEqual([]);
      },
      dagger: async (w) => {
        const run = await w.failingGate();
        expect(run.failed).toBe(true);
        expect(run.effects.filter((e) => e.kind === "publish")).toEqual([]);
        expect(execsOf(run).filter((e) => e.args.join(" ").includes("helm push"))).toEqual([]);
      },
    },
    {
      name: "a dry run runs the gates and pushes nothing",
      docker: async (w) => {
        const run = await w.dryRun();
        expect(run.code).toBe(0);
        expect(run.output).toMatch(/gate step\(s\) passed/);
        expect(await run.tags("app")).toEqual([]);
      },
      dagger: async (w) => {
        const run = await w.dryRun();
        expect(run.failed).toBe(false);
        expect(run.effects.filter((e) => e.kind === "publish")).toEqual([]);
        expect(execsOf(run).some((e) => e.args[0] === "helm" && e.args[1] === "lint")).toBe(true);
        expect(execsOf(run).filter((e) => e.args.join(" ").includes("helm push"))).toEqual([]);
      },
    },
  ];
}
