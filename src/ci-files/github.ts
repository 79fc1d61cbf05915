import { callArgs, CHECKOUT_VERSION, DAGGER_ACTION, yamlEntry, type CiOptions } from "./options.js";
import { githubTagGlobs } from "../plan/formats.js";

/**
 * .github/workflows/charthouse.yml: pull requests run the gates only (`dagger check`); the schedule
 * publishes nightly; pushed release tags publish releases. GITHUB_TOKEN is the registry
 * secret for ghcr.io, and only the publishing jobs may write packages. Dagger runs through Dagger's
 * own action, which installs the pinned CLI and runs `dagger <verb> <args>`: it splices `args` into
 * a bash script, so `$GITHUB_SHA`, `$TAG` and the token are read there from the step's environment
 * and no `${{ }}` expression reaches the command line.
 */
export function githubWorkflow(o: CiOptions): string {
  const checkout = `      - uses: actions/checkout@${o.checkout ?? CHECKOUT_VERSION}\n`;
  const extra = (o.extraTests ?? []).map((command) => `      - run: ${command}\n`).join("");
  const credentials = ['--registry-username "$GITHUB_ACTOR"', "--registry-password env://GITHUB_TOKEN"];
  const dagger = (verb: "call" | "check", args: readonly string[]) =>
    `        uses: ${DAGGER_ACTION}
        with:
          version: v${o.daggerVersion}
          verb: ${verb}
${args.length ? `${yamlEntry(10, "args", args.join(" "))}\n` : ""}`;
  const publish = (args: string[]) =>
    `        id: publish\n${dagger("call", callArgs('"$GITHUB_SHA"', "publish", args))}`;
  return `# Written by charthouse: gates on pull requests, a nightly publish on the schedule, a release
# on every pushed tag matching charthouse.yaml's policy.
name: charthouse

on:
  pull_request:
  push:
    tags:
${githubTagGlobs(o.policy)
  .map((g) => `      - "${g}"`)
  .join("\n")}
  schedule:
    - cron: "17 3 * * *"

permissions:
  contents: read

jobs:
  gates:
    if: github.event_name == 'pull_request'
    runs-on: ubuntu-latest
    steps:
${checkout}${extra}      - name: Every gate (dagger check), nothing pushed
${dagger("check", [])}
  publish-nightly:
    if: github.event_name == 'schedule'
    runs-on: ubuntu-latest
    permissions:
      contents: read
      packages: write
    # Two nightly runs never race: the second waits.
    concurrency:
      group: charthouse-nightly
      cancel-in-progress: false
    steps:
${checkout}      - name: Publish nightly
${publish(["--nightly", ...credentials])}        env:
          GITHUB_TOKEN: \${{ secrets.GITHUB_TOKEN }}

  publish-release:
    if: github.event_name == 'push' && github.ref_type == 'tag'
    runs-on: ubuntu-latest
    permissions:
      contents: read
      packages: write
    concurrency:
      group: charthouse-release-\${{ github.ref_name }}
      cancel-in-progress: false
    steps:
${checkout}      - name: Publish the release
${publish(['--tag "$TAG"', ...credentials])}        env:
          # Read from the environment by the action's script: no expression in its command line.
          TAG: \${{ github.ref_name }}
          GITHUB_TOKEN: \${{ secrets.GITHUB_TOKEN }}
`;
}
