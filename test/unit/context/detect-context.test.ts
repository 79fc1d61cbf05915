import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { detectContext, httpsUrl, type RunEvent } from "../../../src/context/index.js";
import { ConfigError } from "../../../src/errors.js";

const FIXTURES = new URL("../../fixtures/ci-env/", import.meta.url);
const SHA = "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d";
const NOW = new Date("2026-11-24T03:00:00Z");

function readEnv(file: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(new URL(file, FIXTURES), "utf8").split("\n")) {
    const at = line.indexOf("=");
    if (at > 0) env[line.slice(0, at)] = line.slice(at + 1);
  }
  return env;
}

// One fixture per CI event, as each CI sets its environment.
const EVENTS: { file: string; event: RunEvent; ci: string; source: string }[] = [
  {
    file: "circleci-tag.env",
    event: { kind: "release", tag: "v5.0.1" },
    ci: "circleci",
    source: "https://github.com/samvera/hyrax",
  },
  {
    file: "circleci-chart-tag.env",
    event: { kind: "release", tag: "hyrax-chart-v3.7.5" },
    ci: "circleci",
    source: "https://github.com/samvera/hyrax",
  },
  {
    file: "circleci-branch-main.env",
    event: { kind: "push", branch: "main" },
    ci: "circleci",
    source: "https://github.com/samvera/hyrax",
  },
  {
    file: "circleci-pull-request.env",
    event: { kind: "pull-request", number: 6789 },
    ci: "circleci",
    source: "https://github.com/samvera/hyrax",
  },
  {
    file: "circleci-scheduled.env",
    event: { kind: "nightly" },
    ci: "circleci",
    source: "https://github.com/samvera/hyrax",
  },
  {
    file: "github-schedule.env",
    event: { kind: "nightly" },
    ci: "github-actions",
    source: "https://github.com/samvera/hyrax",
  },
  {
    file: "github-tag.env",
    event: { kind: "release", tag: "v5.0.1" },
    ci: "github-actions",
    source: "https://github.com/samvera/hyrax",
  },
  {
    file: "github-push-main.env",
    event: { kind: "push", branch: "main" },
    ci: "github-actions",
    source: "https://github.com/samvera/hyrax",
  },
  {
    file: "github-pull-request.env",
    event: { kind: "pull-request", number: 6789 },
    ci: "github-actions",
    source: "https://github.com/samvera/hyrax",
  },
  {
    file: "github-workflow-dispatch-tag.env",
    event: { kind: "release", tag: "v5.1.0-rc.1" },
    ci: "github-actions",
    source: "https://github.com/samvera/hyrax",
  },
];

describe("the run's event from each CI's environment", () => {
  it("has a case for every fixture file", () => {
    expect(readdirSync(FIXTURES).sort()).toEqual(EVENTS.map((e) => e.file).sort());
  });

  it.each(EVENTS)("$file", ({ file, event, ci, source }) => {
    const context = detectContext({ flags: {}, env: readEnv(file), now: NOW });
    expect(context).toMatchObject({ event, ci, commit: SHA, date: "2026-11-24", source });
  });
});

describe("flags reproduce any CI run on a laptop", () => {
  const git = { commit: SHA, branch: "main", committedAt: "2026-11-23T18:04:05+01:00" };

  it.each([
    { flags: { nightly: true }, event: { kind: "nightly" } },
    { flags: { tag: "v5.0.1" }, event: { kind: "release", tag: "v5.0.1" } },
    { flags: { branch: "main" }, event: { kind: "push", branch: "main" } },
    { flags: { pr: true as const }, event: { kind: "pull-request" } },
    { flags: { pr: 12 }, event: { kind: "pull-request", number: 12 } },
    { flags: {}, event: { kind: "local" } },
  ])("$flags → $event.kind", ({ flags, event }) => {
    expect(detectContext({ flags, env: {}, git, now: NOW }).event).toEqual(event);
  });

  it("prefers a flag over the CI's environment", () => {
    const context = detectContext({
      flags: { nightly: true, date: "2026-01-02" },
      env: readEnv("github-tag.env"),
      now: NOW,
    });
    expect(context.event).toEqual({ kind: "nightly" });
    expect(context.date).toBe("2026-01-02");
  });

  it("takes created from the commit's time in UTC, never the clock", () => {
    const context = detectContext({ flags: {}, env: {}, git, now: NOW });
    expect(context.created).toBe("2026-11-23T17:04:05Z");
  });

  it("looks up the time of a --sha other than HEAD", () => {
    const other = "ffffeeee0000111122223333444455556666aaaa";
    const context = detectContext({
      flags: { sha: other },
      env: {},
      git: { ...git, commitTime: (sha) => (sha === other ? "2020-01-01T00:00:00Z" : undefined) },
      now: NOW,
    });
    expect(context).toMatchObject({ commit: other, created: "2020-01-01T00:00:00Z" });
  });

  it("falls back to the run's date at midnight without git", () => {
    expect(detectContext({ flags: { sha: SHA, date: "2026-11-24" }, env: {}, now: NOW }).created).toBe(
      "2026-11-24T00:00:00Z",
    );
  });
});

describe("bad facts are usage errors that say what to pass", () => {
  it.each([
    { name: "two events", flags: { nightly: true, tag: "v1.0.0" }, message: /--nightly and --tag name different runs/ },
    { name: "no commit", flags: {}, message: /cannot tell which commit.*--sha/ },
    { name: "short sha", flags: { sha: "1a2b3c4" }, message: /not a full commit hash: pass all 40 hex digits/ },
    {
      name: "bad date",
      flags: { sha: SHA, date: "2026-02-30" },
      message: /not a calendar date of a run \(1970 or later\): write YYYY-MM-DD/,
    },
    { name: "year zero", flags: { sha: SHA, date: "0000-01-01" }, message: /not a calendar date of a run/ },
    { name: "empty tag", flags: { sha: SHA, tag: "" }, message: /--tag needs a git tag/ },
  ])("$name", ({ flags, message }) => {
    const run = () => detectContext({ flags, env: {}, now: NOW });
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(message);
  });
});

describe("events the docs name publish; every other is gates only", () => {
  const github = (event: string, ref = "refs/heads/main") => ({
    GITHUB_ACTIONS: "true",
    GITHUB_EVENT_NAME: event,
    GITHUB_REF: ref,
    GITHUB_SHA: SHA,
  });
  it.each(["issue_comment", "workflow_run", "release", "repository_dispatch"])(
    "GitHub %s on refs/heads/main is no push to main",
    (name) => {
      expect(detectContext({ flags: {}, env: github(name), now: NOW }).event).toEqual({ kind: "other", name });
    },
  );

  it("a manual workflow_dispatch on a branch only gates; on a tag it re-runs the release", () => {
    expect(detectContext({ flags: {}, env: github("workflow_dispatch"), now: NOW }).event).toEqual({
      kind: "other",
      name: "workflow_dispatch",
    });
    expect(detectContext({ flags: {}, env: github("workflow_dispatch", "refs/tags/v5.0.1"), now: NOW }).event).toEqual({
      kind: "release",
      tag: "v5.0.1",
    });
  });

  it("CHARTHOUSE_NIGHTLY=true makes a GitHub run nightly, whatever its event", () => {
    expect(
      detectContext({ flags: {}, env: { ...github("workflow_dispatch"), CHARTHOUSE_NIGHTLY: "true" }, now: NOW }).event,
    ).toEqual({ kind: "nightly" });
  });

  it("a CircleCI pull request number that is not a number is left out, not NaN", () => {
    const env = { CIRCLECI: "true", CIRCLE_SHA1: SHA, CIRCLE_PR_NUMBER: "abc" };
    expect(detectContext({ flags: {}, env, now: NOW }).event).toEqual({ kind: "pull-request" });
  });
});

describe("context edges", () => {
  it.each([["x12"], ["12x"]])("a CircleCI pull request number %s is no number", (number) => {
    const env = { CIRCLECI: "true", CIRCLE_SHA1: SHA, CIRCLE_PR_NUMBER: number };
    expect(detectContext({ flags: {}, env, now: NOW }).event).toEqual({ kind: "pull-request" });
  });

  it("a CircleCI pull request URL gives the number only when it ends the URL", () => {
    const url = (u: string) =>
      detectContext({ flags: {}, env: { CIRCLECI: "true", CIRCLE_SHA1: SHA, CIRCLE_PULL_REQUEST: u }, now: NOW }).event;
    expect(url("https://github.com/samvera/hyrax/pull/77")).toEqual({ kind: "pull-request", number: 77 });
    expect(url("https://github.com/samvera/hyrax/pull/77/files")).toEqual({ kind: "pull-request" });
  });

  it("GitHub's variables outside GitHub Actions are not read (a leftover GITHUB_SHA in a shell)", () => {
    const env = { GITHUB_SHA: SHA, GITHUB_EVENT_NAME: "push", GITHUB_REF: "refs/heads/main" };
    const context = detectContext({ flags: {}, env, git: { commit: "f".repeat(40), branch: "feature" }, now: NOW });
    expect(context.commit).toBe("f".repeat(40));
    expect(context.event).toEqual({ kind: "local" });
  });

  it("--no-pr (pr: false) names no run beside --nightly", () => {
    expect(
      detectContext({ flags: { nightly: true, pr: false }, env: {}, git: { commit: SHA }, now: NOW }).event,
    ).toEqual({ kind: "nightly" });
  });
});

describe("context details", () => {
  const run = (flags: object, env: Record<string, string> = {}) =>
    detectContext({ flags: { sha: SHA, ...flags }, env, now: NOW });
  it.each([
    [{ nightly: true, branch: "main" }, /--nightly and --branch name different runs/],
    [{ tag: "v1.0.0", pr: 3 }, /--tag and --pr name different runs/],
    [{ branch: "  " }, /--branch needs a branch name, e.g. --branch main/],
    [{ tag: " " }, /--tag needs a git tag/],
    [{ sha: `x${SHA.slice(1)}` }, /not a full commit hash/],
    [{ sha: `${SHA}0` }, /not a full commit hash/],
    [{ date: "x2026-11-24" }, /not a calendar date/],
    [{ date: "2026-11-24x" }, /not a calendar date/],
  ])("refuses %j", (flags, message) => {
    expect(() => run(flags)).toThrow(message);
  });

  it("accepts --pr false as no pull request, and 1970-01-01 as a date", () => {
    expect(run({ pr: false }).event).toEqual({ kind: "local" });
    expect(run({ date: "1970-01-01" }).date).toBe("1970-01-01");
  });

  it("reads CircleCI's pull request URL, GitHub's pull_request_target and source", () => {
    expect(
      run({}, { CIRCLECI: "true", CIRCLE_PULL_REQUEST: "https://github.com/samvera/hyrax/pull/42" }).event,
    ).toEqual({ kind: "pull-request", number: 42 });
    expect(
      run({}, { CIRCLECI: "true", CIRCLE_PULL_REQUEST: "https://github.com/samvera/hyrax/pull/42/files" }).event,
    ).toEqual({ kind: "pull-request" });
    const gh = { GITHUB_ACTIONS: "true", GITHUB_EVENT_NAME: "pull_request_target", GITHUB_REF: "refs/pull/7/merge" };
    expect(run({}, gh).event).toEqual({ kind: "pull-request", number: 7 });
    expect(run({}, { ...gh, GITHUB_REF: "xrefs/pull/7/merge" }).event).toEqual({ kind: "pull-request" });
    expect(run({}, { GITHUB_ACTIONS: "true", GITHUB_EVENT_NAME: "push", GITHUB_REF: "refs/notes/x" }).event).toEqual({
      kind: "local",
    });
    expect(run({}, { GITHUB_ACTIONS: "true", GITHUB_SERVER_URL: "https://github.com" }).source).toBeUndefined();
    expect(run({}, { GITHUB_ACTIONS: "true", GITHUB_REPOSITORY: "samvera/hyrax" }).source).toBeUndefined();
    expect(
      run({}, { GITHUB_ACTIONS: "true", GITHUB_SERVER_URL: "https://github.com", GITHUB_REPOSITORY: "samvera/hyrax" })
        .source,
    ).toBe("https://github.com/samvera/hyrax");
  });

  it("turns git remotes into https URLs", () => {
    expect(httpsUrl("git@github.com:samvera/hyrax.git")).toBe("https://github.com/samvera/hyrax");
    expect(httpsUrl("git@github.com:samvera/hyrax")).toBe("https://github.com/samvera/hyrax");
    expect(httpsUrl("xgit@github.com:samvera/hyrax.git")).toBe("xgit@github.com:samvera/hyrax");
    expect(httpsUrl("https://github.com/samvera/hyrax.git")).toBe("https://github.com/samvera/hyrax");
    expect(httpsUrl("https://github.com/samvera/hyrax.github.io")).toBe("https://github.com/samvera/hyrax.github.io");
    expect(httpsUrl(undefined)).toBeUndefined();
  });
});
