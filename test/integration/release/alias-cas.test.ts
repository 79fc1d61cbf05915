import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { startRegistry, type LocalRegistry } from "../../kit/index.js";
import { RegistryClient } from "../../../src/registry/index.js";
import { DEFAULT_SETTLE, moveAlias, settleAliases, type SettleOptions } from "../../../src/release/index.js";
import type { AliasMove } from "../../../src/plan/index.js";
import { planAgainstRegistry, pushRelease } from "../../kit/release-fixture.js";
import { startProxy } from "../../kit/proxy.js";

let registry: LocalRegistry | undefined;
let client: RegistryClient;
let host: string;
const repo = () => `${host}/samvera/dassie`;

/** A fresh registry holding 5.0.0 with its aliases, for each test. */
beforeEach(async () => {
  await registry?.stop();
  registry = await startRegistry();
  host = registry.host;
  client = new RegistryClient();
  const plan = await planAgainstRegistry(client, host, "5.0.0");
  await pushRelease(host, "5.0.0");
  for (const move of plan.aliases) await moveAlias(client, move);
});
afterAll(async () => registry?.stop());

/** A run's alias phase: every move, then the settle round that undoes a racing lower run. */
async function moveAll(moves: readonly AliasMove[], settle: SettleOptions = { settleMs: 300, rounds: 3 }) {
  const outcomes = [];
  for (const move of moves) outcomes.push(await moveAlias(client, move));
  return settleAliases(client, outcomes, settle);
}

async function digestsOf(tags: string[]): Promise<Record<string, string | undefined>> {
  const out: Record<string, string | undefined> = {};
  for (const t of tags) out[t] = (await client.headManifest(repo(), t))?.digest;
  return out;
}

describe("two release runs racing against the real registry", () => {
  it.each([{ order: ["5.1.0", "5.0.1"] }, { order: ["5.0.1", "5.1.0"] }])(
    "finishing $order.0 first still ends with latest and 5 at 5.1.0",
    async ({ order }) => {
      // Both runs plan while 5.0.0 is the highest, and push their immutable tags.
      const plans = {
        "5.0.1": await planAgainstRegistry(client, host, "5.0.1"),
        "5.1.0": await planAgainstRegistry(client, host, "5.1.0"),
      };
      expect(plans["5.0.1"].aliases.map((a) => a.alias)).toEqual(["5.0", "5", "latest"]);
      const digest = { "5.0.1": await pushRelease(host, "5.0.1"), "5.1.0": await pushRelease(host, "5.1.0") };
      for (const version of order as ("5.0.1" | "5.1.0")[]) await moveAll(plans[version].aliases);
      expect(await digestsOf(["latest", "5", "5.0", "5.1"])).toEqual({
        latest: digest["5.1.0"],
        5: digest["5.1.0"],
        "5.0": digest["5.0.1"],
        "5.1": digest["5.1.0"],
      });
    },
  );

  it("run concurrently, they end the same way", async () => {
    const [a, b] = await Promise.all([
      planAgainstRegistry(client, host, "5.0.1"),
      planAgainstRegistry(client, host, "5.1.0"),
    ]);
    const [, d510] = await Promise.all([pushRelease(host, "5.0.1"), pushRelease(host, "5.1.0")]);
    // Both read every alias before either writes: the window compare-and-set alone cannot close.
    await Promise.all([moveAll(a.aliases), moveAll(b.aliases)]);
    const after = await digestsOf(["latest", "5"]);
    expect(after).toEqual({ latest: d510, 5: d510 });
  });

  it.each([1, 2, 3, 4, 5])(
    "run concurrently with the default settle (three read-to-write windows, not a fixed wait), they end the same way " +
      "(round %i)",
    async () => {
      const [a, b] = await Promise.all([
        planAgainstRegistry(client, host, "5.0.1"),
        planAgainstRegistry(client, host, "5.1.0"),
      ]);
      const [, d510] = await Promise.all([pushRelease(host, "5.0.1"), pushRelease(host, "5.1.0")]);
      await Promise.all([moveAll(a.aliases, DEFAULT_SETTLE), moveAll(b.aliases, DEFAULT_SETTLE)]);
      expect(await digestsOf(["latest", "5"])).toEqual({ latest: d510, 5: d510 });
    },
  );

  it("never moves an alias backwards that someone else moved since the plan", async () => {
    const plan = await planAgainstRegistry(client, host, "5.0.1");
    await pushRelease(host, "5.0.1");
    // Meanwhile another run publishes 5.2.0 and moves latest and 5.
    const d520 = await pushRelease(host, "5.2.0");
    await moveAll((await planAgainstRegistry(client, host, "5.2.0")).aliases);
    const outcomes = await moveAll(plan.aliases);
    expect(outcomes.map((o) => [o.move.alias, o.moved])).toEqual([
      ["5.0", true],
      ["5", false],
      ["latest", false],
    ]);
    expect(outcomes[2]!.reason).toMatch(
      /was moved by another run to 5\.2\.0, not older than this run's version 5\.0\.1; leaving it/,
    );
    expect(await digestsOf(["latest", "5"])).toEqual({ latest: d520, 5: d520 });
  });
});

describe("an alias move's cost", () => {
  it("is one manifest GET and one PUT (plus the compare-and-set HEAD), and no blob upload", async () => {
    const plan = await planAgainstRegistry(client, host, "5.0.1");
    await pushRelease(host, "5.0.1");
    const proxy = await startProxy(host);
    try {
      const move = { ...plan.aliases.find((a) => a.alias === "latest")!, repository: `${proxy.host}/samvera/dassie` };
      const outcome = await moveAlias(new RegistryClient(), move);
      expect(outcome.moved).toBe(true);
      expect(
        proxy.recorded.map((r) => `${r.method} ${r.path.replace(/sha256:[0-9a-f]+/, "DIGEST")} ${r.status}`),
      ).toEqual([
        "GET /v2/samvera/dassie/manifests/5.0.1 200",
        "HEAD /v2/samvera/dassie/manifests/latest 200",
        "PUT /v2/samvera/dassie/manifests/latest 201",
      ]);
    } finally {
      await proxy.stop();
    }
  });
});
