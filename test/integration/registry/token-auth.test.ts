import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRegistry, type LocalRegistry } from "../../kit/index.js";
import { grantedScopes, parseChallenge, readTag, RegistryClient } from "../../../src/registry/index.js";
import { RegistryError } from "../../../src/errors.js";
import { CANARY, creds, pushImage } from "../../kit/registry-content.js";
import { startTokenServer, type TokenServer } from "../../kit/token-server.js";
import { joined } from "../../kit/regex.js";

// ghcr.io-style bearer auth: the registry trusts tokens signed by the test's token server.
let tokens: TokenServer;
let registry: LocalRegistry;
const pusher = creds("maintainer", CANARY);
const reader = creds("reader", `${CANARY}-reader`);

beforeAll(async () => {
  tokens = await startTokenServer({
    maintainer: { password: CANARY, grants: () => ["pull", "push"] },
    // May read everything, push only to samvera/scratch.
    reader: {
      password: `${CANARY}-reader`,
      grants: (repo) => (repo === "samvera/scratch" ? ["pull", "push"] : ["pull"]),
    },
  });
  registry = await startRegistry({
    kind: "token",
    realm: tokens.realm,
    service: tokens.service,
    issuer: tokens.issuer,
    rootCertBundle: tokens.certFile,
  });
});
afterAll(async () => {
  await registry?.stop();
  await tokens?.stop();
});

describe("bearer token auth against the real registry", () => {
  it("answers the challenge with a token for the exact scope, and pushes and reads", async () => {
    // pushImage speaks Basic; the token registry needs the client's flow, so push through the client's copy.
    const client = new RegistryClient({ credentials: pusher });
    expect(await client.listTags(`${registry.host}/samvera/dassie`)).toEqual([]);
    expect(tokens.requests.at(-1)).toEqual({
      account: "maintainer",
      scopes: ["repository:samvera/dassie:pull"],
      status: 200,
    });
  });

  it("preflight: push rights read back from the token, per repository", async () => {
    const asReader = new RegistryClient({ credentials: reader });
    expect(await asReader.checkPush(`${registry.host}/samvera/dassie`)).toEqual({
      ok: false,
      scope: "repository:samvera/dassie:pull,push",
      detail: "token grants pull on samvera/dassie, not push",
    });
    expect(await asReader.checkPush(`${registry.host}/samvera/scratch`)).toEqual({
      ok: true,
      scope: "repository:samvera/scratch:pull,push",
      detail: "token grants pull,push",
    });
    expect(
      await new RegistryClient({ credentials: pusher }).checkPush(`${registry.host}/samvera/dassie`),
    ).toMatchObject({ ok: true });
  });

  it("a push the token does not allow fails naming repository and scope, never the token", async () => {
    const asReader = new RegistryClient({ credentials: reader });
    const error = await asReader
      .putManifest(`${registry.host}/samvera/dassie`, "x", {
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        bytes: Buffer.from("{}"),
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as Error).message).toMatch(
      joined(
        /^pushing 127\.0\.0\.1:\d+\/samvera\/dassie:x: the registry denied repository:samvera\/dassie:pull,push as /,
        /reader \(HTTP 401/,
      ),
    );
    expect(String((error as Error).message)).not.toContain(CANARY);
  });

  it("a wrong password is refused by the token service, named as such", async () => {
    const error = await new RegistryClient({ credentials: creds("maintainer", "wrong") })
      .listTags(`${registry.host}/samvera/dassie`)
      .catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      joined(
        /authenticating to 127\.0\.0\.1:\d+ as maintainer for repository:samvera\/dassie:pull: the token service /,
        /answered HTTP 401/,
      ),
    );
  });

  it("pushes and reads revisions through the same tokens", async () => {
    const client = new RegistryClient({ credentials: pusher });
    const digest = await pushImage(
      registry.host,
      `${registry.host}/samvera/dassie`,
      "5.0.1",
      { "org.opencontainers.image.revision": "abc" },
      pusher,
    );
    expect(await readTag(client, `${registry.host}/samvera/dassie`, "5.0.1")).toEqual({ digest, revision: "abc" });
  });
});

describe("challenge and token parsing", () => {
  it.each([
    [
      'Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:samvera/hyrax:pull,push"',
      {
        scheme: "bearer",
        params: { realm: "https://ghcr.io/token", service: "ghcr.io", scope: "repository:samvera/hyrax:pull,push" },
      },
    ],
    ['Basic realm="registry"', { scheme: "basic", params: { realm: "registry" } }],
    ["Negotiate", undefined],
    [null, undefined],
  ])("%s", (header, expected) => {
    expect(parseChallenge(header)).toEqual(expected);
  });

  it("reads granted actions from a JWT's access claim, and nothing from an opaque token", () => {
    const claims = Buffer.from(
      JSON.stringify({ access: [{ type: "repository", name: "a/b", actions: ["pull"] }] }),
    ).toString("base64url");
    expect(grantedScopes(`x.${claims}.y`)).toEqual(new Map([["a/b", ["pull"]]]));
    expect(grantedScopes("djE6c2FtdmVyYS9oeXJheDoxNzAw")).toBeUndefined();
  });
});
