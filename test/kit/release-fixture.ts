import type { Config } from "../../src/config/index.js";
import { config, context, image } from "./builders.js";
import type { RunContext } from "../../src/context/index.js";
import { planRelease, type Plan } from "../../src/plan/index.js";
import { RegistryClient } from "../../src/registry/index.js";
import { readRunState } from "../../src/release/index.js";
import { pushImage } from "./registry-content.js";
import type { Credentials } from "../../src/registry/index.js";

export const COMMITS: Record<string, string> = {
  "5.0.0": "5000000000000000000000000000000000000000",
  "5.0.1": "5010000000000000000000000000000000000000",
  "5.1.0": "5100000000000000000000000000000000000000",
  "5.2.0": "5200000000000000000000000000000000000000",
};

/** A one-image config publishing to the local registry `host`: the builders' config, with no chart and no target. */
export function imageConfig(host: string): Config {
  const dassie = image("dassie", { context: "/p", dockerfile: "/p/Dockerfile", target: undefined, smoke: undefined });
  return config({
    file: "/p/charthouse.yaml",
    root: "/p",
    registry: `${host}/samvera`,
    source: undefined,
    images: [dassie],
    charts: [],
  });
}

/** The run of release `version`'s tag, from the commit COMMITS names for it. */
export function releaseContext(version: string): RunContext {
  return context(
    { kind: "release", tag: `v${version}` },
    { commit: COMMITS[version]!, created: "2026-11-24T00:00:00Z" },
  );
}

/** Plans a release against what the real registry holds now. */
export async function planAgainstRegistry(client: RegistryClient, host: string, version: string): Promise<Plan> {
  const config = imageConfig(host);
  const context = releaseContext(version);
  const result = planRelease({ config, context, state: await readRunState(client, config, context) });
  if (!result.ok) throw new Error(result.refusals.join("; "));
  return result.plan;
}

/** Pushes the release's image (its immutable tag) as charthouse's build would label it. */
export function pushRelease(host: string, version: string, credentials?: Credentials): Promise<string> {
  return pushImage(
    host,
    `${host}/samvera/dassie`,
    version,
    {
      "org.opencontainers.image.revision": COMMITS[version]!,
      "org.opencontainers.image.version": version,
    },
    credentials,
  );
}
