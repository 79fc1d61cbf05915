import { daggerCall, INSTALL_DAGGER, yamlEntry, type CiOptions } from "./options.js";
import { githubTagGlobs } from "../plan/formats.js";

/**
 * .github/workflows/charthouse.yml: pull requests run the gates only; the schedule
 * publishes nightly; pushed release tags publish releases. GITHUB_TOKEN is the registry
 * secret for ghcr.io, and only the publishing jobs may write packages.
 */
export function githubWorkflow(o: CiOptions): string {
  const install = `      - name: Install the Dagger CLI ${o.daggerVersion}
        run: ${INSTALL_DAGGER}
        env:
          DAGGER_VERSION: "${o.daggerVersion}"
`;
  const extra = (o.extraTests ?? []).map((command) => `      - run: ${command}\n`).join("");
  const credentials = ['--registry-username "$GITHUB_ACTOR"', "--registry-password env://GITHUB_TOKEN"];
  const publish = (args: string[]) => yamlEntry(8, "run", daggerCall('"$GITHUB_SHA"', "publish", args));
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
      - uses: actions/checkout@v4
${extra}${install}      - name: Every gate, nothing pushed
${publish(["--dry-run"])}

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
      - uses: actions/checkout@v4
${install}      - name: Publish nightly
${publish(["--nightly", ...credentials])}
        env:
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
      - uses: actions/checkout@v4
${install}      - name: Publish the release
${publish(['--tag "$TAG"', ...credentials])}
        env:
          # Through the environment, never spliced into the script.
          TAG: \${{ github.ref_name }}
          GITHUB_TOKEN: \${{ secrets.GITHUB_TOKEN }}
`;
}
