import { runCli } from "../src/cli/program.js";
import { startRegistry } from "../test/kit/index.js";
import { FakeCluster } from "../test/kit/fake-cluster.js";
import { pushChartVersion } from "../test/kit/registry-content.js";
import { startProxy } from "../test/kit/proxy.js";
import { measureAsync, report } from "./measure.js";

/**
 * One `charthouse sync` check against a local registry holding 300 chart versions
 * (the cluster is a fake: no Kubernetes here), with its HTTP requests counted, against
 * a reference in the same run: the bare tag list it cannot do without.
 */
export async function benchSync(): Promise<void> {
  const registry = await startRegistry();
  const proxy = await startProxy(registry.host);
  try {
    const chart = `${registry.host}/samvera/charts/hyrax`;
    const tags = Array.from({ length: 300 }, (_, i) => `5.${Math.floor(i / 30)}.${i % 30}`);
    for (let i = 0; i < tags.length; i += 25)
      await Promise.all(tags.slice(i, i + 25).map((t) => pushChartVersion(chart, t)));
    const check = () =>
      runCli(
        [
          "sync",
          "--chart",
          `oci://${proxy.host}/samvera/charts/hyrax`,
          "--release",
          "hyrax",
          "--namespace",
          "samvera",
          "--policy",
          "stable",
          "--dry-run",
          "--json",
        ],
        { stdout: () => undefined, stderr: () => undefined, env: {}, cwd: "/", now: () => new Date() },
        new FakeCluster({ chart: "hyrax", version: "5.0.0", status: "deployed" }),
      );
    proxy.recorded.length = 0;
    await check();
    const requests = proxy.recorded.length;
    const pages = proxy.recorded.filter((r) => r.path.includes("/tags/list")).length;
    const syncMs = await measureAsync(async () => void (await check()), 9, 2);
    const { RegistryClient } = await import("../src/registry/index.js");
    const listMs = await measureAsync(
      async () => void (await new RegistryClient().listTags(`${proxy.host}/samvera/charts/hyrax`)),
      9,
      2,
    );
    report("sync: one check, 300 chart versions, medians", [
      { name: "charthouse sync --dry-run (one check)", ms: syncMs },
      { name: "reference: the tag list alone", ms: listMs },
    ]);
    console.log(
      `  HTTP requests of one check: ${requests} (tag-list pages ${pages} + manifest reads ${requests - pages}; ` +
        `target ≤ pages + 1) ${requests <= pages + 1 ? "✓" : "✗"}`,
    );
  } finally {
    await proxy.stop();
    await registry.stop();
  }
}
