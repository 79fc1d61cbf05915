import { describe, expect, it } from "vitest";
import { plainHttpHosts } from "../../../src/config/index.js";
import { RegistryClient, speaksPlainHttp } from "../../../src/registry/index.js";
import { helmPushScript, syftEnvironment } from "../../../src/engines/dagger/dagger-args.js";

// An in-house registry without TLS is declared in charthouse.yaml (`plainHttp: true`), as Docker's
// insecure-registries and helm's --plain-http declare it; loopback registries need no declaration.
describe("registries spoken to in plain HTTP", () => {
  it("are the loopback ones and those declared, nothing else", () => {
    expect(speaksPlainHttp("127.0.0.1:5000")).toBe(true);
    expect(speaksPlainHttp("localhost:5000")).toBe(true);
    expect(speaksPlainHttp("10.0.2.2:5000")).toBe(false);
    expect(speaksPlainHttp("10.0.2.2:5000", ["10.0.2.2:5000"])).toBe(true);
    expect(speaksPlainHttp("10.0.2.2:5001", ["10.0.2.2:5000"])).toBe(false);
    expect(speaksPlainHttp("ghcr.io", ["10.0.2.2:5000"])).toBe(false);
  });

  it("are declared by the config for its own registry's host only", () => {
    expect(plainHttpHosts({ registry: "10.0.2.2:5000/samvera", plainHttp: true })).toEqual(["10.0.2.2:5000"]);
    expect(plainHttpHosts({ registry: "10.0.2.2:5000/samvera", plainHttp: false })).toEqual([]);
  });

  it("reach the registry client: a declared host over http, any other over https", async () => {
    const urls: string[] = [];
    const fetch = (async (url: URL | string) => {
      urls.push(String(url));
      return new Response(JSON.stringify({ tags: [] }), { status: 200 });
    }) as typeof globalThis.fetch;
    const client = new RegistryClient({ fetch, plainHttpHosts: ["10.0.2.2:5000"] });
    await client.listTags("10.0.2.2:5000/ns/app");
    await client.listTags("registry.example/ns/app");
    expect(urls.map((u) => new URL(u).protocol)).toEqual(["http:", "https:"]);
  });

  it("reach helm and syft in the Dagger adapter's containers", () => {
    expect(helmPushScript("/c.tgz", "oci://10.0.2.2:5000/ns/charts", undefined, ["10.0.2.2:5000"])).toBe(
      "helm push /c.tgz oci://10.0.2.2:5000/ns/charts --plain-http",
    );
    expect(helmPushScript("/c.tgz", "oci://10.0.2.2:5000/ns/charts")).toBe(
      "helm push /c.tgz oci://10.0.2.2:5000/ns/charts",
    );
    expect(syftEnvironment("10.0.2.2:5000/ns/app:1", undefined, ["10.0.2.2:5000"])).toEqual({
      SYFT_CHECK_FOR_APP_UPDATE: "false",
      SYFT_REGISTRY_INSECURE_USE_HTTP: "true",
    });
  });
});
