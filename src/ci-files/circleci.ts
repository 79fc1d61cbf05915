import { daggerCall, INSTALL_DAGGER, yamlEntry, type CiOptions } from "./options.js";
import { circleTagFilters } from "../plan/formats.js";

/**
 * .circleci/config.yml: branches and pull requests run the gates only (`dagger check`); the scheduled
 * pipeline named "nightly" publishes nightly; tags matching the release patterns
 * publish releases. Credentials come from the shared `charthouse-publish` context.
 */
export function circleciConfig(o: CiOptions): string {
  const extra = (o.extraTests ?? [])
    .map((command) => `      - run:\n          name: ${command}\n          command: ${command}\n`)
    .join("");
  const credentials = ['--registry-username "$REGISTRY_USERNAME"', "--registry-password env://REGISTRY_TOKEN"];
  const publish = (args: string[]) => yamlEntry(10, "command", daggerCall('"$CIRCLE_SHA1"', "publish", args));
  return `# Written by charthouse: gates on every branch and pull request, a nightly publish on the
# scheduled pipeline named "nightly", a release on every tag matching charthouse.yaml's policy.
# Registry credentials come from the CircleCI context "charthouse-publish" (REGISTRY_USERNAME,
# REGISTRY_TOKEN), shared by the maintainers: no one person's token in project settings.
version: 2.1

executors:
  dagger:
    # Dagger needs a Docker engine: CircleCI's machine executor has one.
    machine:
      image: ubuntu-2204:current
    environment:
      DAGGER_VERSION: "${o.daggerVersion}"

commands:
  install-dagger:
    steps:
      - run:
          name: Install the Dagger CLI ${o.daggerVersion}
          command: ${INSTALL_DAGGER}

jobs:
  gates:
    executor: dagger
    steps:
      - checkout
${extra}      - install-dagger
      - run:
          name: Every gate (dagger check), nothing pushed
          command: dagger check
  publish-nightly:
    executor: dagger
    steps:
      - checkout
      - install-dagger
      - run:
          name: Publish nightly
${publish(["--nightly", ...credentials])}
  publish-release:
    executor: dagger
    steps:
      - checkout
      - install-dagger
      - run:
          name: Publish the release of $CIRCLE_TAG
${publish(['--tag "$CIRCLE_TAG"', ...credentials])}

workflows:
  gates:
    when:
      not:
        equal: [scheduled_pipeline, << pipeline.trigger_source >>]
    jobs:
      - gates
  release:
    when:
      not:
        equal: [scheduled_pipeline, << pipeline.trigger_source >>]
    jobs:
      - publish-release:
          context: charthouse-publish
          filters:
            branches:
              ignore: /.*/
            tags:
              only:
${circleTagFilters(o.policy)
  .map((filter) => `                - ${filter}`)
  .join("\n")}
  nightly:
    when:
      and:
        - equal: [scheduled_pipeline, << pipeline.trigger_source >>]
        - equal: [nightly, << pipeline.schedule.name >>]
    jobs:
      - publish-nightly:
          context: charthouse-publish
`;
}
