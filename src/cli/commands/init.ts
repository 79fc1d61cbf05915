import { resolve } from "node:path";
import { Option, type Command } from "commander";
import { initProject, planInit, type CiKind, type InitPlan } from "../../init/index.js";
import type { CliIo } from "../io.js";

/** The module an adopter's dagger.json takes as its blueprint when --module is not given. */
export const DEFAULT_MODULE = "github.com/samvera-labs/charthouse@v0.1.0";

export function registerInit(program: Command, io: CliIo): void {
  program
    .command("init")
    .summary("write charthouse.yaml, dagger.json and a CI file into an existing project")
    .description(
      "Reads what the repository already says — its Dockerfile stages and charts; GitHub workflows (with the local " +
        "reusable workflows and composite actions they use, env at every level, $GITHUB_ENV writes, matrices and " +
        "docker/metadata-action) building with docker/build-push-action (images, targets, context, Dockerfile, " +
        "platforms, registry) or releasing charts; CircleCI jobs running docker build; the compose file the CI tests " +
        "with (services, ports, environment, env files and healthchecks, interpolated from .env); the charts' values " +
        "(image pins); git tags (release tag patterns); the git remote — and writes a charthouse.yaml that " +
        "`charthouse check` accepts, each learned value with a comment naming its file and line (what is stale or " +
        "cannot be evaluated is reported, not copied), a dagger.json making the charthouse module the project's " +
        "blueprint (so `dagger call publish --nightly` works in the project as it is), and the CircleCI or GitHub " +
        "Actions file that runs the gates on pull requests, publishes nightly on a schedule and releases on the " +
        "project's tags. Closes with a table of what it learned and where. Exits 2, writing nothing, when it cannot " +
        "decide (one image built from two targets, images on two registries). Refuses to overwrite an existing file " +
        "without --force.",
    )
    .argument("[dir]", "the project's directory", ".")
    .addOption(new Option("--ci <system>", "which CI file to write").choices(["circleci", "github"]).default("github"))
    .option(
      "--module <ref>",
      "the charthouse Dagger module dagger.json names as the blueprint, a git address at a release",
      DEFAULT_MODULE,
    )
    .option("--force", "overwrite files that exist")
    .option("--dry-run", "print the files init would write, and what it learned, without writing anything")
    .action((dir: string, opts: { ci: CiKind; module: string; force?: boolean; dryRun?: boolean }) => {
      const root = resolve(io.cwd, dir);
      const options = { root, ci: opts.ci, module: opts.module, force: opts.force };
      const plan = opts.dryRun ? planInit(options) : initProject(options);
      if (opts.dryRun) {
        for (const [path, content] of Object.entries(plan.files))
          io.stdout(`--- ${path} (not written)\n${content.endsWith("\n") ? content : `${content}\n`}`);
      } else {
        io.stdout(`wrote ${Object.keys(plan.files).join(", ")} in ${root}\n`);
      }
      io.stdout(renderInitReport(plan));
    });
}

/** The closing report: a table of what init learned and where, then what it left out and what is left to do. */
export function renderInitReport(plan: InitPlan): string {
  const lines: string[] = ["", "learned:"];
  const width = (pick: (r: InitPlan["learned"][number]) => string) =>
    Math.min(48, Math.max(...plan.learned.map((r) => pick(r).length), 0));
  const w1 = width((r) => r.what);
  const w2 = width((r) => r.value);
  for (const r of plan.learned) lines.push(`  ${r.what.padEnd(w1)}  ${r.value.padEnd(w2)}  ${r.source}`);
  for (const s of plan.stale) lines.push(`stale, left out: ${s}`);
  for (const n of plan.notes) lines.push(`note: ${n}`);
  if (plan.supersedes.length)
    lines.push(
      "the new CI file supersedes (left untouched; remove them once charthouse publishes): " +
        `${plan.supersedes.join(", ")}`,
    );
  for (const t of plan.todo) lines.push(`TODO: ${t}`);
  lines.push("next: edit charthouse.yaml where it says TODO, then run charthouse check and charthouse plan --nightly");
  return `${lines.join("\n")}\n`;
}
