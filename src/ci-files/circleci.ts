import { daggerCall, INSTALL_DAGGER, type CiOptions } from "./options.js";
import { circleTagFilter } from "../plan/formats.js";

/**
 * .circleci/config.yml: branches and pull requests run the gates only; the scheduled
 * pipeline named "nightly" publishes nightly; tags matching the release patterns
 * publish releases. Credentials come from the shared `charthouse-publish` context.
 */
export function circleciConfig(o: CiOptions): string {
  const extra = (o.extraTests ?? [])
    .map((command) => `      - run:\n          name: ${command}\n          command: ${command}\n`)
    .join("");
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
          name: Every gate, nothing pushed
          command: ${daggerCall('"$CIRCLE_SHA1"', "publish", ["--dry-run"])}
  publish-nightly:
    executor: dagger
    steps:
      - checkout
      - install-dagger
      - run:
          name: Publish nightly
          command: ${daggerCall('"$CIRCLE_SHA1"', "publish", ["--nightly", '--registry-username "$REGISTRY_USERNAME"', "--registry-password env://REGISTRY_TOKEN"])}
  publish-release:
    executor: dagger
    steps:
      - checkout
      - install-dagger
      - run:
          name: Publish the release of $CIRCLE_TAG
          command: ${daggerCall('"$CIRCLE_SHA1"', "publish", ['--tag "$CIRCLE_TAG"', '--registry-username "$REGISTRY_USERNAME"', "--registry-password env://REGISTRY_TOKEN"])}

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
              only: ${circleTagFilter(o.policy)}
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
