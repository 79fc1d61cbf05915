import { originOf, readYaml } from "./read-yaml.js";
import type { WorkflowBuild } from "./learn-workflows.js";

/** `docker build -t <repo>:<tag> [--target t]` in CircleCI jobs: one build each, with the jobs that push. */
export function learnFromCircleCi(root: string): { builds: WorkflowBuild[]; supersedes: string[] } {
  const circle = readYaml(root, ".circleci/config.yml");
  const jobs = (circle?.doc.toJS() as { jobs?: Record<string, { steps?: unknown[] }> } | undefined)?.jobs ?? {};
  const builds: WorkflowBuild[] = [];
  const supersedes: string[] = [];
  for (const [jobName, job] of Object.entries(jobs)) {
    (job?.steps ?? []).forEach((step, i) => {
      const run = (step as { run?: unknown })?.run;
      const command = typeof run === "string" ? run : String((run as { command?: string } | undefined)?.command ?? "");
      const build = command.match(/docker (?:buildx )?build\b([^\n]*)/);
      if (!build) return;
      const tag = build[1]!.match(/(?:-t|--tag)[ =](\S+)/)?.[1];
      const target = build[1]!.match(/--target[ =](\S+)/)?.[1];
      const repository = tag?.replace(/:[^/:]*$/, "").toLowerCase();
      if (!repository || repository.includes("$")) return;
      builds.push({
        repositories: [repository],
        ...(target ? { target } : {}),
        pushes: true,
        feedsTest: false,
        from: originOf(circle!, ["jobs", jobName, "steps", i]),
      });
      if (/docker push/.test(command)) supersedes.push(`${circle!.file} (job ${jobName})`);
    });
  }
  return { builds, supersedes: [...new Set(supersedes)] };
}
