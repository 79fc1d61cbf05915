import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { startRegistry } from "../test/kit/index.js";
import { RegistryClient } from "../src/registry/index.js";
import { measureAsync, measure, report } from "./measure.js";

const TAGS = 1500;

/** Lists 1,500 tags with charthouse's client and with skopeo against the same local registry. */
export async function benchTags(): Promise<void> {
  const registry = await startRegistry();
  try {
    const repo = `${registry.host}/bench/many`;
    const client = new RegistryClient();
    // One small image, then 1,500 tags pointing at it.
    const config = Buffer.from(
      JSON.stringify({ architecture: "amd64", os: "linux", config: {}, rootfs: { type: "layers", diff_ids: [] } }),
    );
    const digest = `sha256:${(await import("node:crypto")).createHash("sha256").update(config).digest("hex")}`;
    await client.uploadBlob(repo, digest, config);
    const manifest = {
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      bytes: Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: "application/vnd.oci.image.manifest.v1+json",
          config: { mediaType: "application/vnd.oci.image.config.v1+json", digest, size: config.length },
          layers: [],
        }),
      ),
    };
    for (let i = 0; i < TAGS; i += 50)
      await Promise.all(
        Array.from({ length: Math.min(50, TAGS - i) }, (_, k) => client.putManifest(repo, `1.0.${i + k}`, manifest)),
      );

    const inProcess = await measureAsync(
      async () => {
        const tags = await new RegistryClient().listTags(repo);
        if (tags.length !== TAGS) throw new Error(`listed ${tags.length}`);
      },
      9,
      2,
    );
    // As a process, like skopeo is: node starting, loading the client, listing.
    const registryModule = JSON.stringify(fileURLToPath(new URL("../src/registry/index.js", import.meta.url)));
    const script =
      `import { RegistryClient } from ${registryModule}; ` +
      `const t = await new RegistryClient().listTags(${JSON.stringify(repo)}); ` +
      `if (t.length !== ${TAGS}) process.exit(1);`;
    const asProcess = measure(() => void execFileSync(process.execPath, ["--input-type=module", "-e", script]), 9, 2);
    const skopeo = measure(
      () => {
        const out = JSON.parse(
          execFileSync("skopeo", ["list-tags", "--tls-verify=false", `docker://${repo}`], { encoding: "utf8" }),
        ) as { Tags: string[] };
        if (out.Tags.length !== TAGS) throw new Error(`skopeo listed ${out.Tags.length}`);
      },
      9,
      2,
    );
    const nodeStartup = measure(() => void execFileSync(process.execPath, ["-e", ""]), 9, 2);
    const skopeoStartup = measure(() => void execFileSync("skopeo", ["--version"]), 9, 2);
    report(`tag list: ${TAGS} tags, same registry, medians`, [
      { name: "charthouse client, in process (as in a run)", ms: inProcess },
      { name: "skopeo list-tags (reference)", ms: skopeo },
      { name: "charthouse as a fresh node process", ms: asProcess },
      { name: "node startup alone (node -e '')", ms: nodeStartup },
      { name: "skopeo startup alone (skopeo --version)", ms: skopeoStartup },
    ]);
    const ratio = inProcess / skopeo;
    console.log(`  charthouse / skopeo = ${ratio.toFixed(2)} (target ≤ 1.2) ${ratio <= 1.2 ? "✓" : "✗"}`);
    console.log(
      `  listing work without startup: charthouse ${(asProcess - nodeStartup).toFixed(1)} ms (module loading ` +
        `included), skopeo ${(skopeo - skopeoStartup).toFixed(1)} ms`,
    );
  } finally {
    await registry.stop();
  }
}
