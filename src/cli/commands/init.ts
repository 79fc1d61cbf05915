import { resolve } from "node:path";
import { Option, type Command } from "commander";
import { initProject, type CiKind } from "../../init/index.js";
import type { CliIo } from "../io.js";

/** The module an adopter's dagger.json takes as its blueprint when --module is not given. */
export const DEFAULT_MODULE = "github.com/samvera-labs/charthouse@v0.1.0";

export function registerInit(program: Command, io: CliIo): void {
  program
    .command("init")
    .summary("write charthouse.yaml, dagger.json and a CI file into an existing project")
    .description(
      "Reads what the repository already says — its Dockerfile stages and charts; GitHub workflows using docker/build-push-action " +
        "(targets, image names, platforms, registry) or samvera-labs/helm-oci-charts-releaser and `helm push` (charts); CircleCI jobs " +
        "running docker build; compose files and their include:s (services, ports, environment, healthchecks); the git remote — and " +
        "writes a charthouse.yaml that `charthouse check` accepts, each learned value with a comment naming its file and line " +
        "(stale references reported, not copied), a dagger.json making the charthouse module the project's blueprint " +
        "(so `dagger call publish --nightly` works in the project as it is), and the CircleCI or " +
        "GitHub Actions file that runs the gates on pull requests, publishes nightly on a schedule and releases on tags. " +
        "Refuses to overwrite an existing file without --force.",
    )
    .argument("[dir]", "the project's directory", ".")
    .addOption(new Option("--ci <system>", "which CI file to write").choices(["circleci", "github"]).default("github"))
    .option("--module <ref>", "the charthouse Dagger module dagger.json names as the blueprint, a git address at a release", DEFAULT_MODULE)
    .option("--force", "overwrite files that exist")
    .action((dir: string, opts: { ci: CiKind; module: string; force?: boolean }) => {
      const root = resolve(io.cwd, dir);
      const { written, stale, supersedes } = initProject({ root, ci: opts.ci, module: opts.module, force: opts.force });
      io.stdout(`wrote ${written.join(", ")} in ${root}\n`);
      for (const s of stale) io.stdout(`stale, left out: ${s}\n`);
      if (supersedes.length) io.stdout(`the new CI file supersedes (left untouched; remove them once charthouse publishes): ${supersedes.join(", ")}\n`);
      io.stdout("next: edit charthouse.yaml where it says TODO (the test command, the smoke tests), then run charthouse check and charthouse plan --nightly\n");
    });
}
