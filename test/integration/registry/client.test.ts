import { describe, expect, it } from "vitest";
import { nextLink, readTag, RegistryClient, type RequestEvent } from "../../../src/registry/index.js";
import { RegistryError } from "../../../src/errors.js";
import { CANARY, creds, pushImage, useCanaryRegistry } from "../../kit/registry-content.js";
import { startProxy } from "../../kit/proxy.js";

const COMMIT = "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d";
const ci = creds("ci", CANARY);

const canaryRegistry = useCanaryRegistry();

describe("tag lists (real registry, basic auth)", () => {
  it("reads 1,500 tags completely through Link pagination", async () => {
    const repo = `${canaryRegistry().host}/samvera/many`;
    await pushImage(canaryRegistry().host, repo, "base", {}, ci);
    const client = new RegistryClient({ credentials: ci });
    const manifest = (await client.getManifest(repo, "base"))!;
    const tags = Array.from({ length: 1500 }, (_, i) => `1.0.${i}`);
    for (let i = 0; i < tags.length; i += 50) {
      await Promise.all(tags.slice(i, i + 50).map((t) => client.putManifest(repo, t, manifest)));
    }
    // Straight from distribution 2.8: one answer holds every tag.
    expect(new Set(await client.listTags(repo, 100))).toEqual(new Set([...tags, "base"]));

    // Through a paginating proxy, as ghcr.io answers: 16 pages of 100, each after the first from the Link header.
    const proxy = await startProxy(canaryRegistry().host);
    proxy.paginate = true;
    try {
      const events: RequestEvent[] = [];
      const paged = new RegistryClient({ credentials: ci, onRequest: (e) => events.push(e) });
      const listed = await paged.listTags(`${proxy.host}/samvera/many`, 100);
      expect(listed).toHaveLength(1501);
      expect(new Set(listed)).toEqual(new Set([...tags, "base"]));
      const pages = events.filter((e) => e.url.includes("/tags/list") && e.status === 200);
      expect(pages).toHaveLength(16);
      expect(pages.slice(1).every((p) => p.url.includes("last="))).toBe(true);
    } finally {
      await proxy.stop();
    }
  });

  it("lists nothing for a repository that does not exist", async () => {
    expect(await new RegistryClient({ credentials: ci }).listTags(`${canaryRegistry().host}/samvera/none`)).toEqual([]);
  });

  it.each([
    ['</v2/x/tags/list?last=b&n=2>; rel="next"', "/v2/x/tags/list?last=b&n=2"],
    ["<https://r.example/v2/x/tags/list?n=2&last=b>; rel=next", "https://r.example/v2/x/tags/list?n=2&last=b"],
    [null, undefined],
  ])("Link %s → %s", (header, path) => {
    expect(nextLink(header)).toBe(path);
  });
});

describe("manifests and revisions", () => {
  it("reads an image's revision, version and created from its config labels", async () => {
    const repo = `${canaryRegistry().host}/samvera/dassie`;
    const digest = await pushImage(
      canaryRegistry().host,
      repo,
      "5.0.1",
      {
        "org.opencontainers.image.revision": COMMIT,
        "org.opencontainers.image.version": "5.0.1",
        "org.opencontainers.image.created": "2026-11-23T18:00:00Z",
      },
      ci,
    );
    const client = new RegistryClient({ credentials: ci });
    expect(await readTag(client, repo, "5.0.1")).toEqual({
      digest,
      revision: COMMIT,
      version: "5.0.1",
      created: "2026-11-23T18:00:00Z",
    });
    expect(await readTag(client, repo, "9.9.9")).toBeNull();
    expect((await client.headManifest(repo, "5.0.1"))?.digest).toBe(digest);
    expect(await client.headManifest(repo, "9.9.9")).toBeNull();
  });

  it("fails with the operation, repository and scope on wrong credentials, never the secret", async () => {
    const client = new RegistryClient({ credentials: creds("ci", `wrong-${CANARY}`) });
    const error = await client.listTags(`${canaryRegistry().host}/samvera/dassie`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as Error).message).toBe(
      `listing tags of ${canaryRegistry().host}/samvera/dassie: the registry denied repository:samvera/dassie:pull ` +
        "as ci (HTTP 401: UNAUTHORIZED authentication required); give these credentials that scope",
    );
    expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain(CANARY);
  });

  it("asks for credentials when there are none", async () => {
    const error = await new RegistryClient()
      .listTags(`${canaryRegistry().host}/samvera/dassie`)
      .catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      /denied repository:samvera\/dassie:pull anonymously \(HTTP 401.*; pass registry credentials$/,
    );
  });
});

describe("push preflight with basic auth", () => {
  it("opens and cancels an upload session: ok for a user with push rights", async () => {
    const check = await new RegistryClient({ credentials: ci }).checkPush(`${canaryRegistry().host}/samvera/new-repo`);
    expect(check).toEqual({
      ok: true,
      scope: "repository:samvera/new-repo:pull,push",
      detail: "an upload session was opened and cancelled",
    });
    // Nothing was left behind.
    expect(await new RegistryClient({ credentials: ci }).listTags(`${canaryRegistry().host}/samvera/new-repo`)).toEqual(
      [],
    );
  });
});
