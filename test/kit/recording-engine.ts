import { MEDIA_TYPES, type Manifest, type RegistryClient } from "../../src/registry/index.js";
import { versionToTag } from "../../src/plan/formats.js";
import { StepFailed, type Engine } from "../../src/release/index.js";
import { attestationTag, BUNDLE_PREDICATE_ANNOTATION, SIGN_PREDICATE, signatureTag } from "../../src/signing/index.js";
import { sha256 } from "./registry-content.js";

// The order runRelease asks an engine for things, recorded by a FAKE engine (no Docker here):
// what runs side by side and what waits is runRelease's, whatever the engine.
export function recordingEngine(
  opts: {
    failBuild?: string;
    failSign?: string;
    registry?: ReturnType<typeof memoryRegistry>;
    platform?: string;
    pushedPlatforms?: readonly string[];
  } = {},
) {
  const events: string[] = [];
  const tick = () => new Promise((r) => setTimeout(r, 5));
  const platforms = new Map<string, readonly string[]>();
  const engine: Engine<string, string, string, string> = {
    // `platform`: the engine's own, as the Docker engine says it (smoke tests of others are then emulated).
    preflight: async () => ({ sharedBuilds: false, ...(opts.platform ? { platform: opts.platform } : {}) }),
    build: async (i) => {
      platforms.set(i.name, i.build.platforms);
      events.push(`build ${i.name}`);
      await tick();
      if (i.name === opts.failBuild) throw new StepFailed(`build of ${i.name} failed`);
      events.push(`built ${i.name}`);
      return i.name;
    },
    exec: async (img, command, o = {}) => {
      events.push(`run ${img} ${command.join(" ")}${o.platform ? ` on ${o.platform}` : ""}`);
    },
    startServices: async (services) => {
      const names = services.map((s) =>
        "built" in s.image ? `${s.service.name}=built:${s.image.built}` : s.service.name,
      );
      events.push(`start ${names.join(",")}`);
      await tick();
      return "services";
    },
    stopServices: async () => {
      events.push("stop");
      await tick();
      events.push("stopped");
    },
    push: async (img, reference) => {
      events.push(`push ${reference}`);
      // Several platforms: an index of them (or of `pushedPlatforms`, to fake one gone missing).
      const own = platforms.get(img) ?? [];
      return opts.registry?.pushed(reference, own.length > 1 ? (opts.pushedPlatforms ?? own) : undefined) ?? "sha256:0";
    },
    stageChart: async (stage) => {
      events.push(`stage ${stage.chartDir}`);
      return "chart";
    },
    restageChart: async (chart, stage) => {
      events.push(`restage ${chart} ${Object.keys(stage.files).join(",")}`);
      return chart;
    },
    helm: async () => "rendered",
    packageChart: async (_chart, fileName) => fileName,
    pushChart: async (pkg, pushTo) => {
      const [, name, version] = /^(.+)-(\d.*)\.tgz$/.exec(pkg)!;
      return opts.registry?.pushed(`${pushTo.slice("oci://".length)}/${name}:${versionToTag(version!)}`) ?? "sha256:0";
    },
    // cosign's effect, FAKE: a `.sig` tag, an `.att` manifest gaining a layer per predicate type;
    // or, in referrers mode, one bundle referrer each, annotated with its predicate type.
    sign: async (subject, mode) => {
      events.push(`sign ${subject}`);
      if (opts.failSign && subject.includes(opts.failSign)) throw new StepFailed(`cosign sign of ${subject} failed`);
      const [repository, digest] = subject.split("@") as [string, string];
      if (mode === "referrers") return opts.registry?.putReferrer(repository, digest, SIGN_PREDICATE);
      opts.registry?.put(repository, signatureTag(digest), { schemaVersion: 2, layers: [] });
    },
    attest: async (subject, type, _predicate, mode) => {
      events.push(`attest ${type} ${subject}`);
      const [repository, digest] = subject.split("@") as [string, string];
      const tag = attestationTag(digest);
      const before = opts.registry?.body(repository, tag) as { layers: unknown[] } | undefined;
      const predicateType = type === "spdxjson" ? "https://spdx.dev/Document" : "https://slsa.dev/provenance/v1";
      if (mode === "referrers") return opts.registry?.putReferrer(repository, digest, predicateType);
      opts.registry?.put(repository, tag, {
        schemaVersion: 2,
        layers: [...(before?.layers ?? []), { annotations: { predicateType } }],
      });
    },
    sbom: async (subject) => {
      events.push(`sbom ${subject}`);
      return "{}";
    },
    close: async () => void events.push("close"),
  };
  return { engine, events };
}

// A FAKE registry client holding manifests in memory: enough for pushes, their re-checks and alias moves.
// `referrers`: it answers the OCI 1.1 referrers API (listing the manifests whose subject is a digest).
export function memoryRegistry(opts: { referrers?: boolean } = {}) {
  const manifests = new Map<string, Manifest>();
  const at = (repository: string, tag: string) => `${repository}:${tag}`;
  const checks = { inFlight: 0, most: 0, asked: [] as string[] };
  /** Every referrers request, as `repository@digest`: a probe is one of them. */
  const referrerRequests: string[] = [];
  const client = {
    referrers: async (repository: string, digest: string) => {
      referrerRequests.push(`${repository}@${digest}`);
      if (!opts.referrers) return null;
      const listed = new Map<string, { mediaType: string; digest: string; size: number; annotations?: object }>();
      for (const [key, m] of manifests) {
        const b = JSON.parse(m.bytes.toString("utf8")) as { subject?: { digest?: string }; annotations?: object };
        if (key.startsWith(`${repository}:`) && b.subject?.digest === digest)
          listed.set(m.digest, {
            mediaType: m.mediaType,
            digest: m.digest,
            size: m.bytes.length,
            annotations: b.annotations,
          });
      }
      return [...listed.values()];
    },
    checkPush: async (repository: string) => {
      checks.asked.push(repository);
      checks.most = Math.max(checks.most, ++checks.inFlight);
      await new Promise((r) => setTimeout(r, 5));
      checks.inFlight--;
      return { ok: true, scope: "push", detail: "fake" };
    },
    getManifest: async (repository: string, reference: string) => manifests.get(at(repository, reference)) ?? null,
    headManifest: async (repository: string, tag: string) => manifests.get(at(repository, tag)) ?? null,
    putManifest: async (repository: string, tag: string, m: Manifest) => (
      manifests.set(at(repository, tag), m),
      manifests.set(at(repository, m.digest), m),
      m.digest
    ),
  } as unknown as RegistryClient;
  /** Names a test wants pushed as an image index of one manifest per platform, by `repository:tag`. */
  const indexes = new Map<string, readonly string[]>();
  /**
   * What a push leaves at `reference`: a manifest, or an image index of one child per platform (each child stored too).
   */
  const pushed = (reference: string, platforms: readonly string[] | undefined = indexes.get(reference)): string => {
    const repository = reference.slice(0, reference.lastIndexOf(":"));
    const digest = sha256(reference);
    const children = platforms?.map((p) => {
      const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, platform: p, of: reference }));
      const child = { digest: sha256(`${reference} ${p}`), mediaType: MEDIA_TYPES.ociManifest, bytes };
      manifests.set(at(repository, child.digest), child);
      return {
        mediaType: child.mediaType,
        digest: child.digest,
        size: bytes.length,
        platform: { os: p.split("/")[0], architecture: p.split("/")[1] },
      };
    });
    const index = children && { schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests: children };
    const manifest = {
      digest,
      mediaType: index ? MEDIA_TYPES.ociIndex : MEDIA_TYPES.ociManifest,
      bytes: Buffer.from(JSON.stringify(index ?? { schemaVersion: 2, annotations: {} })),
    };
    manifests.set(reference, manifest);
    manifests.set(at(repository, digest), manifest);
    return digest;
  };
  /** Writes a manifest of `body` under a tag (and its digest), as a registry would. */
  const put = (repository: string, tag: string, body: unknown): void => {
    const bytes = Buffer.from(JSON.stringify(body));
    const manifest = { digest: sha256(bytes), mediaType: MEDIA_TYPES.ociManifest, bytes };
    manifests.set(at(repository, tag), manifest);
    manifests.set(at(repository, manifest.digest), manifest);
  };
  /** A referrer of `subject` as cosign writes one in referrers mode: untagged, naming its predicate type. */
  const putReferrer = (repository: string, subject: string, predicateType: string): void => {
    const bytes = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        subject: { digest: subject },
        annotations: { [BUNDLE_PREDICATE_ANNOTATION]: predicateType },
      }),
    );
    manifests.set(at(repository, sha256(bytes)), { digest: sha256(bytes), mediaType: MEDIA_TYPES.ociManifest, bytes });
  };
  const body = (repository: string, tag: string): unknown => {
    const m = manifests.get(at(repository, tag));
    return m ? JSON.parse(m.bytes.toString("utf8")) : undefined;
  };
  const tags = (): string[] => [...manifests.keys()];
  return { client, pushed, put, putReferrer, body, tags, checks, indexes, referrerRequests };
}
