import { ConfigError } from "../errors.js";
import type { CiSystem, RunContext, RunEvent } from "./types.js";

/** Flags that name the run explicitly; each overrides what the environment says. */
export interface ContextFlags {
  readonly nightly?: boolean;
  readonly tag?: string;
  readonly branch?: string;
  /** `--pr` alone is `true`; `--pr 12` is 12. */
  readonly pr?: boolean | number;
  readonly sha?: string;
  readonly date?: string;
}

/** What local git knows, read by `readGitFacts`; absent outside a checkout. */
export interface GitFacts {
  readonly commit?: string;
  readonly branch?: string;
  /** Commit time of HEAD, ISO 8601. */
  readonly committedAt?: string;
  /** Commit times by full sha, for a `--sha` other than HEAD. */
  readonly commitTime?: (sha: string) => string | undefined;
}

export interface DetectInput {
  readonly flags: ContextFlags;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly git?: GitFacts;
  /** The clock, passed in: the only source of the date when no flag gives one. */
  readonly now: Date;
}

/** Works out the run's facts from flags, then CI environment, then local git. Pure. */
export function detectContext({ flags, env, git, now }: DetectInput): RunContext {
  const ci = detectCi(env);
  const fromCi = ci === "circleci" ? circleCi(env) : ci === "github-actions" ? githubActions(env) : {};
  const event = eventFromFlags(flags) ?? fromCi.event ?? { kind: "local" };

  const commit = (flags.sha ?? fromCi.commit ?? git?.commit)?.toLowerCase();
  if (!commit) {
    throw new ConfigError(
      "cannot tell which commit this run builds: run inside a git checkout, or pass --sha <40-hex commit>",
    );
  }
  if (!/^[0-9a-f]{40}$/.test(commit)) {
    throw new ConfigError(`--sha ${commit} is not a full commit hash: pass all 40 hex digits (git rev-parse HEAD)`);
  }

  const date = flags.date ?? now.toISOString().slice(0, 10);
  checkDate(date);
  const committedAt = commit === git?.commit ? git.committedAt : git?.commitTime?.(commit);
  // Without git the commit time is unknown; the run's date at midnight keeps reruns stable within a day.
  const created = committedAt ? new Date(committedAt).toISOString().replace(".000Z", "Z") : `${date}T00:00:00Z`;

  return { event, commit, date, created, ci, ...(fromCi.source ? { source: fromCi.source } : {}) };
}

function eventFromFlags(flags: ContextFlags): RunEvent | undefined {
  const named = [
    flags.nightly ? "--nightly" : undefined,
    flags.tag !== undefined ? "--tag" : undefined,
    flags.branch !== undefined ? "--branch" : undefined,
    flags.pr !== undefined && flags.pr !== false ? "--pr" : undefined,
  ].filter((f): f is string => f !== undefined);
  if (named.length > 1) {
    throw new ConfigError(
      `${named.join(" and ")} name different runs: pass only one of --nightly, --tag, --branch, --pr`,
    );
  }
  if (flags.nightly) return { kind: "nightly" };
  if (flags.tag !== undefined) {
    if (flags.tag.trim() === "") throw new ConfigError("--tag needs a git tag, e.g. --tag v5.0.1");
    return { kind: "release", tag: flags.tag };
  }
  if (flags.branch !== undefined) {
    if (flags.branch.trim() === "") throw new ConfigError("--branch needs a branch name, e.g. --branch main");
    return { kind: "push", branch: flags.branch };
  }
  if (flags.pr !== undefined && flags.pr !== false) {
    return typeof flags.pr === "number" ? { kind: "pull-request", number: flags.pr } : { kind: "pull-request" };
  }
  return undefined;
}

export function detectCi(env: DetectInput["env"]): CiSystem {
  if (env.CIRCLECI === "true") return "circleci";
  if (env.GITHUB_ACTIONS === "true") return "github-actions";
  return "local";
}

interface CiFacts {
  event?: RunEvent;
  commit?: string;
  source?: string;
}

/**
 * CircleCI names tags, branches and pull requests in its environment; a scheduled
 * pipeline is not visible there, so its config passes `--nightly`
 * (or sets CHARTHOUSE_NIGHTLY=true from a pipeline parameter).
 */
function circleCi(env: DetectInput["env"]): CiFacts {
  const prUrl = env.CIRCLE_PULL_REQUEST;
  const prNumber = [env.CIRCLE_PR_NUMBER, prUrl?.match(/\/pull\/(\d+)$/)?.[1]].find(
    (n) => n !== undefined && /^\d+$/.test(n),
  );
  let event: RunEvent | undefined;
  if (env.CHARTHOUSE_NIGHTLY === "true") event = { kind: "nightly" };
  else if (env.CIRCLE_TAG) event = { kind: "release", tag: env.CIRCLE_TAG };
  else if (prUrl || env.CIRCLE_PR_NUMBER)
    event = prNumber ? { kind: "pull-request", number: Number(prNumber) } : { kind: "pull-request" };
  else if (env.CIRCLE_BRANCH) event = { kind: "push", branch: env.CIRCLE_BRANCH };
  return { event, commit: env.CIRCLE_SHA1, source: httpsUrl(env.CIRCLE_REPOSITORY_URL) };
}

function githubActions(env: DetectInput["env"]): CiFacts {
  const ref = env.GITHUB_REF ?? "";
  let event: RunEvent | undefined;
  switch (env.GITHUB_EVENT_NAME) {
    case "schedule":
      event = { kind: "nightly" };
      break;
    case "pull_request":
    case "pull_request_target": {
      const number = ref.match(/^refs\/pull\/(\d+)\//)?.[1];
      event = number ? { kind: "pull-request", number: Number(number) } : { kind: "pull-request" };
      break;
    }
    case "push":
      if (ref.startsWith("refs/tags/")) event = { kind: "release", tag: ref.slice("refs/tags/".length) };
      else if (ref.startsWith("refs/heads/")) event = { kind: "push", branch: ref.slice("refs/heads/".length) };
      break;
    case "workflow_dispatch":
      // Running the workflow by hand on a tag re-runs that release (an idempotent retry); on a branch it only gates.
      event = ref.startsWith("refs/tags/")
        ? { kind: "release", tag: ref.slice("refs/tags/".length) }
        : { kind: "other", name: "workflow_dispatch" };
      break;
    default:
      // Only the events the docs name publish: a comment or a workflow_run on main is no push to main.
      if (env.GITHUB_EVENT_NAME) event = { kind: "other", name: env.GITHUB_EVENT_NAME };
  }
  if (env.CHARTHOUSE_NIGHTLY === "true") event = { kind: "nightly" };
  const source =
    env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}` : undefined;
  return { event, commit: env.GITHUB_SHA, source };
}

/** `git@github.com:samvera/hyrax.git` → `https://github.com/samvera/hyrax`. */
export function httpsUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  const ssh = url.match(/^git@([^:]+):(.+?)(\.git)?$/);
  if (ssh) return `https://${ssh[1]}/${ssh[2]}`;
  return url.replace(/\.git$/, "");
}

function checkDate(date: string): void {
  const valid =
    /^\d{4}-\d{2}-\d{2}$/.test(date) &&
    date >= "1970-01-01" &&
    new Date(`${date}T00:00:00Z`).toISOString().startsWith(date);
  if (!valid)
    throw new ConfigError(
      `--date ${date} is not a calendar date of a run (1970 or later): write YYYY-MM-DD, e.g. --date 2026-11-24`,
    );
}
