import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { RegistryError } from "../../../src/errors.js";
import { startRegistry, type LocalRegistry } from "../../kit/index.js";
import { RegistryClient, retryAfterMs } from "../../../src/registry/index.js";
import { moveAlias, readRunState } from "../../../src/release/index.js";
import { imageConfig, planAgainstRegistry, pushRelease, releaseContext } from "../../kit/release-fixture.js";
import { startProxy, type Fault, type Proxy } from "../../kit/proxy.js";
import { joined } from "../../kit/regex.js";

let registry: LocalRegistry;
let proxy: Proxy;
const fast = { initialDelayMs: 20, maxDelayMs: 200, budgetMs: 3000, timeoutMs: 1000, attempts: 5 };

beforeAll(async () => {
  registry = await startRegistry();
  await pushRelease(registry.host, "5.0.0");
  await pushRelease(registry.host, "5.0.1");
  proxy = await startProxy(registry.host);
});
/** Every test starts with the aliases at 5.0.0, as before a 5.0.1 release. */
beforeEach(async () => {
  proxy.fault = () => ({ kind: "pass" });
  const client = new RegistryClient();
  const previous = (await client.getManifest(`${registry.host}/samvera/dassie`, "5.0.0"))!;
  for (const alias of ["5.0", "5", "latest"])
    await client.putManifest(`${registry.host}/samvera/dassie`, alias, previous);
  proxy.recorded.length = 0;
});
afterAll(async () => {
  await proxy?.stop();
  await registry?.stop();
});

/** Faults on the first `times` requests matching `match`, then pass. */
/** Faults the first `times` matching requests; returns how many matching requests the proxy has seen since. */
function faultFirst(times: number, match: RegExp, fault: Fault): () => number {
  let hits = 0;
  proxy.fault = ({ method, path }) => (match.test(`${method} ${path}`) && hits++ < times ? fault : { kind: "pass" });
  return () => hits;
}

/** The alias phase of a 5.0.1 release, through the proxy. */
async function releaseAliases(client: RegistryClient) {
  const plan = await planAgainstRegistry(client, proxy.host, "5.0.1");
  const outcomes = [];
  for (const move of plan.aliases) outcomes.push(await moveAlias(client, move));
  return outcomes;
}

describe("a faulty registry is survived", () => {
  it.each([
    {
      name: "429 with Retry-After",
      match: /PUT .*manifests\/latest/,
      fault: { kind: "respond", status: 429, headers: { "retry-after": "1" } } as Fault,
      times: 1,
    },
    { name: "503 twice", match: /GET .*manifests/, fault: { kind: "respond", status: 503 } as Fault, times: 2 },
    { name: "dropped connections", match: /HEAD .*manifests/, fault: { kind: "drop" } as Fault, times: 2 },
    {
      name: "a slow answer past the timeout",
      match: /GET .*tags\/list/,
      fault: { kind: "delay", ms: 1500 } as Fault,
      times: 1,
    },
  ])("$name", async ({ match, fault, times }) => {
    const seen = faultFirst(times, match, fault);
    proxy.recorded.length = 0;
    const started = Date.now();
    const outcomes = await releaseAliases(new RegistryClient({ retry: fast }));
    expect(outcomes.map((o) => [o.move.alias, o.moved])).toEqual([
      ["5.0", true],
      ["5", true],
      ["latest", true],
    ]);
    // Every alias holds exactly the release's manifest: nothing half-published.
    const client = new RegistryClient();
    const target = (await client.headManifest(`${registry.host}/samvera/dassie`, "5.0.1"))!.digest;
    for (const alias of ["5.0", "5", "latest"])
      expect((await client.headManifest(`${registry.host}/samvera/dassie`, alias))?.digest).toBe(target);
    const matching = proxy.recorded.filter((r) => match.test(`${r.method} ${r.path}`));
    const faulted = matching.filter(
      (r) => r.status === "dropped" || r.status === "delayed" || r.status === 429 || r.status === 503,
    );
    expect(faulted.length).toBe(times);
    // Each fault was retried: more such requests came than were faulted (a timed-out one too, whose answer came too
    // late).
    expect(seen()).toBeGreaterThan(times);
    if (fault.kind === "respond" && fault.headers?.["retry-after"])
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });
});

describe("a registry that stays broken", () => {
  it("gives up after the retry budget with a clear error, and leaves the alias as it was", async () => {
    const client = new RegistryClient();
    const before = (await client.headManifest(`${registry.host}/samvera/dassie`, "latest"))?.digest;
    const plan = await planAgainstRegistry(new RegistryClient(), proxy.host, "5.0.1");
    proxy.fault = ({ method }) => (method === "PUT" ? { kind: "respond", status: 503 } : { kind: "pass" });
    const error = await moveAlias(
      new RegistryClient({ retry: fast }),
      plan.aliases.find((a) => a.alias === "latest")!,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as Error).message).toMatch(
      joined(
        /^pushing 127\.0\.0\.1:\d+\/samvera\/dassie:latest: HTTP 503: UNAVAILABLE injected; gave up after 5 /,
        /attempt\(s\) within the retry budget$/,
      ),
    );
    expect((await client.headManifest(`${registry.host}/samvera/dassie`, "latest"))?.digest).toBe(before);
  });

  it("gives up on a registry that drops every connection, naming the cause", async () => {
    proxy.fault = () => ({ kind: "drop" });
    const error = await new RegistryClient({ retry: fast })
      .listTags(`${proxy.host}/samvera/dassie`)
      .catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      joined(
        /^listing tags of 127\.0\.0\.1:\d+\/samvera\/dassie: 127\.0\.0\.1:\d+ could not be reached /,
        /\((ECONNRESET|UND_ERR_SOCKET|other side closed)\); gave up after 5 attempt\(s\)/,
      ),
    );
  });

  it("never waits past its budget, whatever Retry-After asks", async () => {
    proxy.fault = () => ({ kind: "respond", status: 429, headers: { "retry-after": "3600" } });
    const started = Date.now();
    const error = await new RegistryClient({ retry: fast })
      .listTags(`${proxy.host}/samvera/dassie`)
      .catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/HTTP 429/);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe("the state reader under faults", () => {
  it("reads the same state through a flaky proxy as directly", async () => {
    const config = imageConfig(registry.host);
    const direct = await readRunState(new RegistryClient(), config, releaseContext("5.0.1"));
    let n = 0;
    proxy.fault = () => (++n % 3 === 0 ? { kind: "respond", status: 503 } : { kind: "pass" });
    const viaProxy = await readRunState(
      new RegistryClient({ retry: fast }),
      imageConfig(proxy.host),
      releaseContext("5.0.1"),
    );
    expect(Object.values(viaProxy.repositories)).toEqual(Object.values(direct.repositories));
  });
});

describe("Retry-After", () => {
  it.each([
    ["2", 2000],
    ["Wed, 25 Nov 2026 03:00:10 GMT", 10_000],
    ["soon", undefined],
    [null, undefined],
  ])("%s → %s ms", (header, ms) => {
    expect(retryAfterMs(header, Date.parse("Wed, 25 Nov 2026 03:00:00 GMT"))).toBe(ms);
  });
});

describe("a registry name that does not resolve (stub fetch: no lookup leaves this machine)", () => {
  it("is given up at once, not retried", async () => {
    let calls = 0;
    const client = new RegistryClient({
      retry: fast,
      fetch: (async () => {
        calls++;
        throw Object.assign(new TypeError("fetch failed"), { cause: { code: "ENOTFOUND" } });
      }) as typeof fetch,
    });
    const error = await client.listTags("registry.invalid/samvera/dassie").catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      /registry\.invalid could not be reached \(ENOTFOUND\); gave up after 1 attempt/,
    );
    expect(calls).toBe(1);
  });
});
