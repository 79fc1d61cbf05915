import { describe, expect, it } from "vitest";
import { parseReferrers } from "../../../src/registry/index.js";
import {
  BUNDLE_PREDICATE_ANNOTATION,
  cosignArgs,
  PREDICATE,
  referrerState,
  SIGN_PREDICATE,
  signatureMode,
  signatureModeNote,
  signatureReferrers,
  signingWork,
} from "../../../src/signing/index.js";
import { digestOf as d } from "../../kit/builders.js";

// Where signatures go, per registry: the referrers API's answer decides, and the same
// decision names cosign's arguments (both engines) and reads what a rerun finds done.
const INDEX = "application/vnd.oci.image.index.v1+json";
const bundle = (digest: string, predicateType: string) => ({
  mediaType: "application/vnd.oci.image.manifest.v1+json",
  digest,
  size: 800,
  artifactType: "application/vnd.dev.sigstore.bundle.v0.3+json",
  annotations: { [BUNDLE_PREDICATE_ANNOTATION]: predicateType, "dev.sigstore.bundle.content": "dsse-envelope" },
});

describe("the referrers API's answer", () => {
  it("an OCI index lists the referrers; an empty one is still an answer", () => {
    const listed = [bundle(d("sig"), SIGN_PREDICATE)];
    expect(
      parseReferrers(200, INDEX, JSON.stringify({ schemaVersion: 2, mediaType: INDEX, manifests: listed })),
    ).toEqual(listed);
    expect(parseReferrers(200, `${INDEX}; charset=utf-8`, JSON.stringify({ schemaVersion: 2, manifests: [] }))).toEqual(
      [],
    );
    // No content type: the index says what it is.
    expect(parseReferrers(200, "", JSON.stringify({ mediaType: INDEX, manifests: [] }))).toEqual([]);
  });
  it.each([
    {
      name: "distribution 2.8's 404 page",
      status: 404,
      type: "text/plain; charset=utf-8",
      body: "404 page not found\n",
    },
    { name: "an error document", status: 404, type: "application/json", body: '{"errors":[{"code":"NAME_UNKNOWN"}]}' },
    { name: "a proxy's page answered 200", status: 200, type: "text/html", body: "<html>welcome</html>" },
    { name: "JSON that is no index", status: 200, type: "application/json", body: '{"tags":[]}' },
  ])("$name: no referrers API", ({ status, type, body }) => {
    expect(parseReferrers(status, type, body)).toBeNull();
  });
  it("leaves out what names no sha256 digest", () => {
    const body = JSON.stringify({ mediaType: INDEX, manifests: [{ digest: "md5:00" }, bundle(d("a"), "x"), null] });
    expect(parseReferrers(200, INDEX, body)?.map((r) => r.digest)).toEqual([d("a")]);
  });
});

describe("the signature mode of a registry", () => {
  it("referrers where it answers the API, even with none yet; the tag scheme where it does not", () => {
    expect(signatureMode([])).toBe("referrers");
    expect(signatureMode([bundle(d("x"), SIGN_PREDICATE)])).toBe("referrers");
    expect(signatureMode(null)).toBe("tags");
  });
  it("the progress line says which", () => {
    expect(`1 signature(s)${signatureModeNote("referrers")}`).toBe("1 signature(s) as OCI 1.1 referrers");
    expect(`1 signature(s)${signatureModeNote("tags")}`).toBe(
      "1 signature(s); tag scheme: the registry has no referrers API",
    );
  });
});

describe("what a subject's referrers say is done (a rerun signs nothing twice)", () => {
  it("a signature bundle signs; each attestation bundle attests its predicate type, each once", () => {
    expect(
      referrerState([
        bundle(d("1"), SIGN_PREDICATE),
        bundle(d("2"), PREDICATE.sbom),
        bundle(d("3"), PREDICATE.provenance),
        bundle(d("4"), PREDICATE.sbom),
      ]),
    ).toEqual({ signed: true, attested: [PREDICATE.sbom, PREDICATE.provenance] });
  });
  it("another tool's referrer (no bundle annotation) counts for nothing", () => {
    const notary = { digest: d("n"), annotations: { "io.cncf.notary.x509chain.thumbprint#S256": "[]" } };
    expect(referrerState([notary, { digest: d("bare") }])).toEqual({ signed: false, attested: [] });
  });
  it("with signingWork: a half-done image gets only what it lacks", () => {
    const state = referrerState([bundle(d("1"), PREDICATE.sbom)]);
    expect(signingWork([{ digest: d("img"), kind: "image", ...state }])).toEqual([
      { digest: d("img"), sign: true, attest: [PREDICATE.provenance] },
    ]);
    const done = referrerState([bundle(d("1"), SIGN_PREDICATE), bundle(d("2"), PREDICATE.provenance)]);
    expect(signingWork([{ digest: d("chart"), kind: "chart", ...done }])).toEqual([]);
  });
  it("a verifier reads the signature bundles only, not the attestations", () => {
    const listed = [bundle(d("1"), PREDICATE.sbom), bundle(d("2"), SIGN_PREDICATE)];
    expect(signatureReferrers(listed).map((r) => r.digest)).toEqual([d("2")]);
  });
});

describe("cosign's arguments per mode (both engines run these)", () => {
  const ref = "127.0.0.1:5000/x@sha256:00";
  it("referrers: sign and attest write sigstore bundles as referrers; nothing else changes", () => {
    expect(cosignArgs.sign("env://K", ref, { plainHttp: true, mode: "referrers" })).toEqual([
      "sign",
      "--key",
      "env://K",
      "--tlog-upload=false",
      "--yes",
      "--allow-http-registry",
      "--new-bundle-format",
      ref,
    ]);
    expect(cosignArgs.attest("env://K", ref, "spdxjson", { mode: "referrers" })).toEqual([
      "attest",
      "--key",
      "env://K",
      "--type",
      "spdxjson",
      "--predicate",
      "-",
      "--tlog-upload=false",
      "--yes",
      "--new-bundle-format",
      ref,
    ]);
  });
  it("tags: the arguments of before, given the mode or not", () => {
    expect(cosignArgs.sign("env://K", ref, { plainHttp: true, mode: "tags" })).toEqual(
      cosignArgs.sign("env://K", ref, { plainHttp: true }),
    );
    expect(cosignArgs.attest("env://K", ref, "spdxjson", { mode: "tags" })).not.toContain("--new-bundle-format");
  });
});
