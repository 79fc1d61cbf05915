import { createHash, generateKeyPairSync, sign } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  attestedTypes,
  attestationTag,
  cosignArgs,
  KEY_ONLY_TRUSTED_ROOT,
  isSigstoreTag,
  parsePinnedImages,
  PREDICATE,
  provenanceMessage,
  provenancePredicate,
  signatureTag,
  signingSubjects,
  signingWork,
  verifySignatureLayers,
  wantedAttestations,
} from "../../../src/signing/index.js";
import { context, digestOf } from "../../kit/builders.js";

const INDEX = "application/vnd.oci.image.index.v1+json";
const MANIFEST = "application/vnd.oci.image.manifest.v1+json";
const d = digestOf;

describe("the tags cosign looks for without a referrers API", () => {
  it("names a digest's signature and attestations after it, in its own repository", () => {
    const digest = `sha256:${"ab".repeat(32)}`;
    expect(signatureTag(digest)).toBe(`sha256-${"ab".repeat(32)}.sig`);
    expect(attestationTag(digest)).toBe(`sha256-${"ab".repeat(32)}.att`);
    expect([signatureTag(digest), attestationTag(digest)].every(isSigstoreTag)).toBe(true);
  });

  it.each(["5.0.1", "nightly-20261124", "sha256-abc.sig", `sha256-${"ab".repeat(32)}.sig.old`])(
    "%s is no signature tag",
    (tag) => {
      expect(isSigstoreTag(tag)).toBe(false);
    },
  );

  it("refuses what is no sha256 digest rather than inventing a tag", () => {
    expect(() => signatureTag("sha512:abc")).toThrow(/not a sha256 digest/);
    expect(() => signatureTag(`sha256:${"AB".repeat(32)}`)).toThrow(/not a sha256 digest/);
  });
});

describe("what one pushed name stands for", () => {
  it("a plain manifest is itself alone: an image, or a chart when the run pushed it as one", () => {
    expect(signingSubjects(d("img"), { mediaType: MANIFEST, body: {} }, "image")).toEqual([
      { digest: d("img"), kind: "image" },
    ]);
    expect(signingSubjects(d("chart"), { mediaType: MANIFEST, body: {} }, "chart")).toEqual([
      { digest: d("chart"), kind: "chart" },
    ]);
  });

  it("an index is its children (each once) and then itself; BuildKit's attestation manifest is signed only", () => {
    const body = {
      manifests: [
        { digest: d("amd64") },
        { digest: d("arm64") },
        { digest: d("amd64") },
        { digest: "not-a-digest" },
        { digest: d("buildkit-att"), annotations: { "vnd.docker.reference.type": "attestation-manifest" } },
      ],
    };
    const subjects = signingSubjects(d("index"), { mediaType: INDEX, body }, "image");
    expect(subjects).toEqual([
      { digest: d("amd64"), kind: "image" },
      { digest: d("arm64"), kind: "image" },
      { digest: d("buildkit-att"), kind: "other" },
      { digest: d("index"), kind: "index" },
    ]);
    expect(
      signingSubjects(
        d("list"),
        { mediaType: "application/vnd.docker.distribution.manifest.list.v2+json", body },
        "image",
      ).map((s) => s.kind),
    ).toEqual(["image", "image", "other", "index"]);
  });

  it("attests an SBOM of each platform image only; a provenance of every image, index and chart", () => {
    expect(wantedAttestations("image")).toEqual([PREDICATE.sbom, PREDICATE.provenance]);
    expect(wantedAttestations("index")).toEqual([PREDICATE.provenance]);
    expect(wantedAttestations("chart")).toEqual([PREDICATE.provenance]);
    expect(wantedAttestations("other")).toEqual([]);
  });
});

describe("a rerun signs nothing twice", () => {
  const both = [PREDICATE.sbom, PREDICATE.provenance];
  it("signs and attests what has nothing yet", () => {
    expect(signingWork([{ digest: d("a"), kind: "image", signed: false, attested: [] }])).toEqual([
      { digest: d("a"), sign: true, attest: both },
    ]);
  });
  it("leaves a signed, fully attested subject alone, and finishes a half-done one", () => {
    const work = signingWork([
      { digest: d("done"), kind: "image", signed: true, attested: [PREDICATE.provenance, PREDICATE.sbom] },
      { digest: d("signed-only"), kind: "image", signed: true, attested: [PREDICATE.sbom] },
      { digest: d("attested-only"), kind: "image", signed: false, attested: both },
      { digest: d("chart"), kind: "chart", signed: true, attested: [PREDICATE.provenance] },
    ]);
    expect(work).toEqual([
      { digest: d("signed-only"), sign: false, attest: [PREDICATE.provenance] },
      { digest: d("attested-only"), sign: true, attest: [] },
    ]);
  });
  it("reads the predicate types an attestation manifest holds from its layers' annotations", () => {
    const att = {
      mediaType: MANIFEST,
      body: {
        layers: [
          { annotations: { predicateType: PREDICATE.sbom } },
          { annotations: { predicateType: PREDICATE.sbom } },
          { annotations: {} },
        ],
      },
    };
    expect(attestedTypes(att)).toEqual([PREDICATE.sbom]);
    expect(attestedTypes(null)).toEqual([]);
  });
});

describe("provenance", () => {
  const facts = {
    context: context({ kind: "release", tag: "v5.0.1" }, { source: "https://github.com/samvera/hyrax" }),
    artifact: {
      kind: "image" as const,
      name: "dassie",
      reference: "ghcr.io/samvera/dassie:5.0.1",
      target: "dassie",
      platforms: ["linux/amd64"],
    },
    revision: "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d",
    configDigest: d("config"),
    gates: ["build dassie", "smoke-test dassie: true"],
    builderVersion: "0.1.0",
  };
  it("names the commit, the trigger, the revision, the config digest and the gates passed", () => {
    const p = provenancePredicate(facts) as { buildDefinition: Record<string, any>; runDetails: Record<string, any> };
    expect(p.buildDefinition.resolvedDependencies).toEqual([
      { uri: "git+https://github.com/samvera/hyrax", digest: { gitCommit: facts.context.commit } },
    ]);
    expect(p.buildDefinition.externalParameters).toMatchObject({
      event: "release",
      tag: "v5.0.1",
      revision: facts.revision,
      artifact: facts.artifact,
    });
    expect(p.buildDefinition.internalParameters.gates).toEqual(facts.gates);
    expect(p.runDetails.byproducts).toEqual([{ name: "config", digest: { sha256: d("config").slice(7) } }]);
    expect(p.runDetails.builder.id).toMatch(/charthouse@0\.1\.0$/);
  });
  it("is the same statement on a rerun (no clock in it)", () => {
    expect(JSON.stringify(provenancePredicate(facts))).toBe(JSON.stringify(provenancePredicate({ ...facts })));
  });
});

describe("helm provenance message", () => {
  it("is the chart's metadata, the YAML end marker and the package's sum", () => {
    const sum = "0c".repeat(32);
    expect(
      provenanceMessage(
        { apiVersion: "v2", name: "hyrax", version: "3.7.4-nightly.20261124", appVersion: "nightly-20261124" },
        "hyrax-3.7.4-nightly.20261124.tgz",
        sum,
      ),
    ).toBe(
      'apiVersion: "v2"\nappVersion: "nightly-20261124"\nname: "hyrax"\nversion: "3.7.4-nightly.20261124"\n\n...\n' +
        `files:\n  hyrax-3.7.4-nightly.20261124.tgz: sha256:${sum}\n`,
    );
  });
  it("refuses a sum or file name that would corrupt the message", () => {
    expect(() => provenanceMessage({ apiVersion: "v2", name: "x", version: "1.0.0" }, "x-1.0.0.tgz", "abc")).toThrow(
      /not a SHA-256/,
    );
    expect(() =>
      provenanceMessage({ apiVersion: "v2", name: "x", version: "1.0.0" }, "x 1.tgz", "0c".repeat(32)),
    ).toThrow(/not a package file name/);
  });
});

describe("cosign's arguments", () => {
  it("sign in key-pair mode with no transparency log, the key named by reference, never by value", () => {
    const args = cosignArgs.sign("env://CHARTHOUSE_SIGNING_KEY", "127.0.0.1:5000/x@sha256:00", { plainHttp: true });
    expect(args).toEqual([
      "sign",
      "--key",
      "env://CHARTHOUSE_SIGNING_KEY",
      "--tlog-upload=false",
      "--yes",
      "--allow-http-registry",
      "127.0.0.1:5000/x@sha256:00",
    ]);
    expect(cosignArgs.sign("/keys/cosign.key", "ghcr.io/x@sha256:00")).not.toContain("--allow-http-registry");
  });
  it("attest reads the predicate from stdin", () => {
    const args = cosignArgs.attest("env://K", "r@sha256:00", "spdxjson");
    expect(args.slice(args.indexOf("--predicate"), args.indexOf("--predicate") + 2)).toEqual(["--predicate", "-"]);
    expect(args.slice(args.indexOf("--type"), args.indexOf("--type") + 2)).toEqual(["--type", "spdxjson"]);
  });
  it("verify trusts the key alone when given the key-only trusted root: no TUF fetch of the public-good root", () => {
    const args = cosignArgs.verify("cosign.pub", "r@sha256:00", { plainHttp: true, trustedRoot: "/t/root.json" });
    expect(args).toEqual([
      "verify",
      "--key",
      "cosign.pub",
      "--insecure-ignore-tlog=true",
      "--output",
      "json",
      "--allow-http-registry",
      "--trusted-root",
      "/t/root.json",
      "r@sha256:00",
    ]);
    const attestation = cosignArgs.verifyAttestation("cosign.pub", "r", "spdxjson", { trustedRoot: "/t/root.json" });
    expect(attestation.slice(-3)).toEqual(["--trusted-root", "/t/root.json", "r"]);
    expect(cosignArgs.verify("cosign.pub", "r")).not.toContain("--trusted-root");
    // Trusts nothing but the key: no authority, log or timestamp service at all.
    expect(JSON.parse(KEY_ONLY_TRUSTED_ROOT)).toEqual({
      mediaType: "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
    });
  });
});

describe("the updater's signature check (cosign's key-pair check, without cosign)", () => {
  const keyPair = () => generateKeyPairSync("ec", { namedCurve: "P-256" });
  const ours = keyPair();
  const pem = ours.publicKey.export({ type: "spki", format: "pem" }).toString();
  /** A layer as cosign writes it: the simple-signing payload for `digest`, signed with `key`. */
  const layer = (digest: string, key = ours.privateKey) => {
    const payload = Buffer.from(
      JSON.stringify({
        critical: {
          identity: { "docker-reference": "ghcr.io/samvera/charts/hyrax" },
          image: { "docker-manifest-digest": digest },
          type: "cosign container image signature",
        },
        optional: null,
      }),
    );
    return {
      digest: `sha256:${createHash("sha256").update(payload).digest("hex")}`,
      payload,
      signature: sign("sha256", payload, key).toString("base64"),
    };
  };

  it("accepts a signature of this digest by this key", () => {
    expect(verifySignatureLayers([layer(d("chart"))], d("chart"), pem)).toEqual({ ok: true });
  });
  it("accepts when one of several signatures is ours", () => {
    expect(
      verifySignatureLayers([layer(d("chart"), keyPair().privateKey), layer(d("chart"))], d("chart"), pem),
    ).toEqual({ ok: true });
  });
  it.each([
    { name: "unsigned", layers: () => [], reason: /^it is not signed/ },
    {
      name: "signed by another key",
      layers: () => [layer(d("chart"), keyPair().privateKey)],
      reason: /does not verify with the key/,
    },
    {
      name: "a signature of another chart copied over",
      layers: () => [layer(d("other"))],
      reason: new RegExp(`its signature is of ${d("other")}, not of ${d("chart")}`),
    },
    {
      name: "a payload altered after signing",
      layers: () => [
        { ...layer(d("chart")), payload: Buffer.from(layer(d("chart")).payload.toString().replace("hyrax", "evil")) },
      ],
      reason: /tampered/,
    },
    {
      name: "a payload re-hashed after altering",
      layers: () => {
        const l = layer(d("other"));
        const payload = Buffer.from(l.payload.toString().replace(d("other"), d("chart")));
        return [{ ...l, payload, digest: `sha256:${createHash("sha256").update(payload).digest("hex")}` }];
      },
      reason: /does not verify with the key/,
    },
  ])("refuses $name, saying why", ({ layers, reason }) => {
    const verdict = verifySignatureLayers(layers(), d("chart"), pem);
    expect(verdict.ok).toBe(false);
    expect(!verdict.ok && verdict.reason).toMatch(reason);
  });
});

describe("the images a chart pins, from its annotation", () => {
  it("reads repository, tag and digest; a registry port is no tag", () => {
    const a = `127.0.0.1:5000/samvera/dassie:nightly-20261124@${d("a")},ghcr.io/samvera/worker@${d("b")}`;
    expect(parsePinnedImages(a)).toEqual([
      {
        reference: `127.0.0.1:5000/samvera/dassie:nightly-20261124@${d("a")}`,
        repository: "127.0.0.1:5000/samvera/dassie",
        digest: d("a"),
      },
      { reference: `ghcr.io/samvera/worker@${d("b")}`, repository: "ghcr.io/samvera/worker", digest: d("b") },
    ]);
  });
  it("leaves out what pins nothing by digest", () => {
    expect(parsePinnedImages(undefined)).toEqual([]);
    expect(parsePinnedImages("ghcr.io/samvera/dassie:5.0.1,,x@sha256:short")).toEqual([]);
  });
});
