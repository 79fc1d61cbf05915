import { createHash, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { PREDICATE, SIGN_PREDICATE, verifySignatures } from "../../../src/signing/index.js";
import { digestOf as d } from "../../kit/builders.js";

// The updater's check of a signature stored as an OCI 1.1 referrer (a sigstore bundle), as
// cosign verify checks it in key-pair mode without a transparency log: first against bundles
// cosign itself wrote (test/fixtures/sigstore), then against bundles made here, one fault each.
const fixture = (name: string) => new URL(`../../fixtures/sigstore/${name}`, import.meta.url);
const COSIGN_PUB = readFileSync(fixture("cosign.pub"), "utf8");
const SIGNED = "sha256:eb521cf82030fc421c0bc6a64aef5546ece270db2c15ddb7d38b65ae2528357a";
const blob = (bytes: Buffer) => ({ digest: `sha256:${createHash("sha256").update(bytes).digest("hex")}`, bytes });
const cosignBundle = (name: string) => blob(readFileSync(fixture(name)));
const verdict = (bundles: ReturnType<typeof blob>[], digest = SIGNED, pem = COSIGN_PUB) =>
  verifySignatures({ layers: [], bundles }, digest, pem);

describe("a bundle cosign wrote", () => {
  it("its signature bundle verifies with its key, for its digest", () => {
    expect(verdict([cosignBundle("sign-bundle.json")])).toEqual({ ok: true });
  });
  it("is refused for another digest, or with another key", () => {
    expect(verdict([cosignBundle("sign-bundle.json")], d("other"))).toEqual({
      ok: false,
      reason: `its signature is of ${SIGNED}, not of ${d("other")}`,
    });
    const other = generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ type: "spki", format: "pem" });
    expect(verdict([cosignBundle("sign-bundle.json")], SIGNED, other.toString())).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/does not verify with the key/),
    });
  });
  it("an attestation, though signed by the key, is no signature", () => {
    expect(verdict([cosignBundle("provenance-bundle.json")])).toEqual({
      ok: false,
      reason: `a bundle of ${PREDICATE.provenance} is an attestation, not a signature`,
    });
  });
});

describe("bundles made here, one fault each", () => {
  const ours = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const pem = ours.publicKey.export({ type: "spki", format: "pem" }).toString();
  const TYPE = "application/vnd.in-toto+json";
  /** A bundle as cosign writes one: a DSSE envelope over an in-toto statement, signed over DSSE's PAE. */
  const made = (
    o: {
      digest?: string;
      subjects?: string[];
      predicateType?: string;
      key?: KeyObject;
      payloadType?: string;
      alter?: boolean;
      /** Signed as it is, in place of a statement. */
      payload?: Buffer;
      /** Entries before the real signature in the envelope's list. */
      before?: unknown[];
    } = {},
  ) => {
    const statement = {
      _type: "https://in-toto.io/Statement/v1",
      subject: (o.subjects ?? [o.digest ?? d("chart")]).map((x) => ({ digest: { sha256: x.slice(7) } })),
      predicateType: o.predicateType ?? SIGN_PREDICATE,
    };
    const payload = o.payload ?? Buffer.from(JSON.stringify(statement));
    const pae = Buffer.concat([Buffer.from(`DSSEv1 ${TYPE.length} ${TYPE} ${payload.length} `), payload]);
    const sig = sign("sha256", pae, o.key ?? ours.privateKey).toString("base64");
    const shipped = o.alter
      ? Buffer.from(JSON.stringify({ ...statement, subject: [{ digest: { sha256: "0" } }] }))
      : payload;
    return blob(
      Buffer.from(
        JSON.stringify({
          mediaType: "application/vnd.dev.sigstore.bundle.v0.3+json",
          verificationMaterial: { publicKey: { hint: "x" } },
          dsseEnvelope: {
            payload: shipped.toString("base64"),
            payloadType: o.payloadType ?? TYPE,
            signatures: [...(o.before ?? []), { sig }],
          },
        }),
      ),
    );
  };
  const check = (bundles: ReturnType<typeof blob>[]) => verdict(bundles, d("chart"), pem);

  it("accepts a signature of this digest by this key, also beside others that fail", () => {
    expect(check([made()])).toEqual({ ok: true });
    expect(check([made({ digest: d("other") }), made({ predicateType: PREDICATE.sbom }), made()])).toEqual({
      ok: true,
    });
  });
  it.each([
    { name: "nothing found", bundles: () => [], reason: /^it is not signed \(no cosign signature in the registry\)$/ },
    {
      name: "signed by another key",
      bundles: () => [made({ key: generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey })],
      reason: /does not verify with the key/,
    },
    { name: "a statement altered after signing", bundles: () => [made({ alter: true })], reason: /does not verify/ },
    { name: "a signature of another digest", bundles: () => [made({ digest: d("other") })], reason: /not of/ },
    {
      name: "a bundle whose bytes are not what the manifest names",
      bundles: () => [{ ...made(), digest: d("elsewhere") }],
      reason: /tampered/,
    },
    {
      name: "not a DSSE envelope of a statement",
      bundles: () => [made({ payloadType: "text/plain" })],
      reason: /not a signature/,
    },
    { name: "not JSON", bundles: () => [blob(Buffer.from("{"))], reason: /not JSON/ },
  ])("refuses $name", ({ bundles, reason }) => {
    const v = check(bundles());
    expect(v.ok).toBe(false);
    expect(!v.ok && v.reason).toMatch(reason);
  });
  it("one good signature among several in an envelope is enough; entries that are no signature pass", () => {
    const foreign = sign("sha256", Buffer.from("x"), generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey);
    expect(check([made({ before: [{ sig: foreign.toString("base64") }] })])).toEqual({ ok: true });
    expect(check([made({ before: [{ sig: 5 }, {}] })])).toEqual({ ok: true });
  });
  it.each([
    [
      "a signed statement that is not JSON",
      { payload: Buffer.from("{") },
      "a signature bundle's statement is not JSON",
    ],
    ["a statement of no subject", { subjects: [] }, `its signature is of nothing, not of ${d("chart")}`],
    [
      "a statement of two other subjects",
      { subjects: [d("a"), d("b")] },
      `its signature is of ${d("a")}, ${d("b")}, not of ${d("chart")}`,
    ],
  ])("names %s", (_, o, reason) => {
    expect(check([made(o)])).toEqual({ ok: false, reason });
  });
  it("the most telling reason first: a copied signature of another digest over a foreign key's", () => {
    const v = check([
      made({ key: generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey }),
      made({ digest: d("x") }),
    ]);
    expect(v).toEqual({ ok: false, reason: `its signature is of ${d("x")}, not of ${d("chart")}` });
  });
});
