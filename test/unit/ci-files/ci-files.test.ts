import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { circleTagFilters, githubTagGlobs } from "../../../src/plan/formats.js";
import { DEFAULT_POLICY } from "../../../src/config/index.js";
import { initFiles } from "../../../src/init/index.js";
import { CHECKOUT_VERSION, DAGGER_ACTION, DAGGER_VERSION, yamlEntry } from "../../../src/ci-files/options.js";
import { checkoutMajors } from "../../../src/init/learn-checkout.js";
import {
  actionlint,
  checkCircleci,
  crossCheck,
  daggerActionStep,
  daggerCalls,
  parseGithubWorkflow,
  runCommands,
} from "../../kit/ci-checks.js";
import { introspect, type Fn } from "../../kit/introspect-module.js";
import { tempTree, writeTree } from "../../kit/temp-dir.js";
import { chmodSync, cpSync, rmSync } from "node:fs";
import { execFileSync } from "node:child_process";

const ROOT = new URL("../../..", import.meta.url).pathname;
let api: Record<string, Fn>;
let construct: Fn;
beforeAll(async () => {
  ({ functions: api, construct } = await introspect());
});

/** The CI files under test: charthouse's own, and what `charthouse init` writes for examples/hyrax. */
function variants(): { name: string; circle: string; github: string }[] {
  const project = tempTree();
  cpSync(join(ROOT, "examples/hyrax"), project, { recursive: true });
  rmSync(join(project, "charthouse.yaml"));
  const circle = initFiles({ root: project, ci: "circleci", module: "github.com/samvera-labs/charthouse@v0.1.0" })[
    ".circleci/config.yml"
  ]!;
  const github = initFiles({ root: project, ci: "github", module: "github.com/samvera-labs/charthouse@v0.1.0" })[
    ".github/workflows/charthouse.yml"
  ]!;
  return [
    {
      name: "charthouse's own",
      circle: readFileSync(join(ROOT, ".circleci/config.yml"), "utf8"),
      github: readFileSync(join(ROOT, ".github/workflows/charthouse.yml"), "utf8"),
    },
    { name: "charthouse init for examples/hyrax", circle, github },
  ];
}

describe.each(variants())("$name GitHub Actions workflow", ({ github }) => {
  it("passes GitHub's workflow parser", async () => {
    const { errors } = await parseGithubWorkflow("charthouse.yml", github);
    expect(errors).toEqual([]);
  });

  it("passes actionlint (expressions, untrusted input in run:)", async () => {
    expect(await actionlint("charthouse.yml", github)).toEqual([]);
  });

  it("has the three triggers, write access only where it publishes, and no racing nightlies", () => {
    const wf = parse(github);
    expect(Object.keys(wf.on).sort()).toEqual(["pull_request", "push", "schedule"]);
    expect(wf.on.push).toEqual({ tags: githubTagGlobs(DEFAULT_POLICY) });
    expect(wf.on.schedule[0].cron).toMatch(/^\d+ \d+ \* \* \*$/);
    expect(wf.permissions).toEqual({ contents: "read" });
    expect(wf.jobs.gates.permissions).toBeUndefined();
    for (const job of ["publish-nightly", "publish-release"])
      expect(wf.jobs[job].permissions).toEqual({ contents: "read", packages: "write" });
    expect(wf.jobs["publish-nightly"].concurrency).toEqual({
      group: "charthouse-nightly",
      "cancel-in-progress": false,
    });
    expect(github).toContain("--registry-password env://GITHUB_TOKEN");
    expect(github).not.toMatch(/run:.*\$\{\{/);
  });

  it("has no line over 120 characters", () => {
    expect(github.split("\n").filter((line) => line.length > 120)).toEqual([]);
  });

  it(
    "calls only functions and arguments the module has, plainly: no -m and no --source " +
      "(the repository is the module or its blueprint)",
    () => {
      const calls = daggerCalls(runCommands(github));
      expect(calls.map((c) => c.fn)).toEqual(["publish", "publish"]);
      expect(crossCheck(calls, api, construct)).toEqual([]);
      for (const c of calls)
        expect(c.line).toMatch(/^dagger call --sha "\$GITHUB_SHA" publish (--nightly |--tag "\$TAG" )/);
      expect(github).not.toMatch(/dagger -m|--source/);
    },
  );

  it("runs Dagger through Dagger's own action at the pinned CLI: dagger check on PRs, publish on schedule", () => {
    const wf = parse(github);
    const daggerSteps = Object.values<any>(wf.jobs).flatMap((job) =>
      job.steps.filter((step: any) => String(step.uses).startsWith("dagger/")),
    );
    expect(daggerSteps).toHaveLength(3);
    for (const step of daggerSteps) {
      expect(step.uses).toBe(DAGGER_ACTION);
      expect(step.with.version).toBe(`v${DAGGER_VERSION}`);
    }
    expect(wf.jobs.gates.steps.at(-1).with.verb).toBe("check");
    expect(daggerActionStep(github, "gates").commandLine).toBe("dagger --progress plain check");
    expect(github).not.toMatch(/install\.sh|curl|sudo -E sh/);
  });

  it("exposes the publish step's command line, and bash hands dagger the arguments the module expects", () => {
    const nightly = daggerActionStep(github, "publish-nightly", "publish");
    expect(nightly.commandLine).toBe(
      'dagger --progress plain call --sha "$GITHUB_SHA" publish --nightly --registry-username "$GITHUB_ACTOR" ' +
        "--registry-password env://GITHUB_TOKEN",
    );
    expect(nightly.env).toEqual({ GITHUB_TOKEN: "${{ secrets.GITHUB_TOKEN }}" });
    const release = daggerActionStep(github, "publish-release", "publish");
    expect(release.env).toMatchObject({ TAG: "${{ github.ref_name }}" });
    // The action splices the command line into bash: a FAKE dagger that prints its arguments shows what it receives.
    const bin = tempTree();
    writeTree(bin, { dagger: '#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done\n' });
    chmodSync(join(bin, "dagger"), 0o755);
    const argv = execFileSync("bash", ["-c", release.commandLine], {
      encoding: "utf8",
      env: { PATH: `${bin}:/usr/bin:/bin`, GITHUB_SHA: "abc 123", GITHUB_ACTOR: "bot", TAG: "v5.0.1" },
    });
    expect(argv.trimEnd().split("\n")).toEqual(
      ["--progress", "plain", "call", "--sha", "abc 123", "publish", "--tag", "v5.0.1"].concat([
        "--registry-username",
        "bot",
        "--registry-password",
        "env://GITHUB_TOKEN",
      ]),
    );
  });
});

describe.each(variants())("$name CircleCI config", ({ circle }) => {
  it("passes SchemaStore's schema and the checks it misses", () => {
    expect(checkCircleci(circle)).toEqual([]);
  });

  it("gates branches, publishes nightly on the schedule named nightly, releases on matching tags only", () => {
    const config = parse(circle);
    expect(config.workflows.gates.jobs).toEqual(["gates"]);
    expect(config.workflows.nightly.when.and).toContainEqual({ equal: ["nightly", "<< pipeline.schedule.name >>"] });
    const release = config.workflows.release.jobs[0]["publish-release"];
    expect(release.filters.branches).toEqual({ ignore: "/.*/" });
    expect(release.filters.tags.only).toEqual(circleTagFilters(DEFAULT_POLICY));
    for (const job of [release, config.workflows.nightly.jobs[0]["publish-nightly"]])
      expect(job.context).toBe("charthouse-publish");
    expect(circle).toContain("--registry-password env://REGISTRY_TOKEN");
    expect(runCommands(circle)).toMatch(/^dagger check$/m);
    // The pinned CLI: install.sh reads DAGGER_VERSION from the executor's environment.
    expect(config.executors.dagger.environment).toEqual({ DAGGER_VERSION });
    // Installed where the next step finds it: /usr/local/bin is on every step's PATH.
    expect(circle).toContain("install.sh | BIN_DIR=/usr/local/bin sudo -E sh");
  });

  it("has no line over 120 characters", () => {
    expect(circle.split("\n").filter((line) => line.length > 120)).toEqual([]);
  });

  it("calls only functions and arguments the module has, plainly: no -m and no --source", () => {
    const calls = daggerCalls(runCommands(circle));
    expect(calls.map((c) => c.fn)).toEqual(["publish", "publish"]);
    expect(crossCheck(calls, api, construct)).toEqual([]);
    for (const c of calls)
      expect(c.line).toMatch(/^dagger call --sha "\$CIRCLE_SHA1" publish (--nightly |--tag "\$CIRCLE_TAG" )/);
    expect(circle).not.toMatch(/dagger -m|--source/);
  });
});

describe("tag filters follow the policy", () => {
  // CircleCI runs on a tag any filter matches.
  const regex = () => {
    const filters = circleTagFilters(DEFAULT_POLICY).map((filter) => new RegExp(filter.slice(1, -1)));
    return { test: (tag: string) => filters.some((filter) => filter.test(tag)) };
  };
  it.each(["v5.0.1", "v5.1.0-rc.1", "hyrax-chart-v3.7.5"])("release tag %s runs", (tag) =>
    expect(regex().test(tag)).toBe(true),
  );
  it.each(["5.0.1", "v5", "feature/x", "hyrax-chart-3.7.5", "vv5.0.1"])("%s does not", (tag) =>
    expect(regex().test(tag)).toBe(false),
  );
  it("changes with the policy", () => {
    expect(circleTagFilters({ ...DEFAULT_POLICY, releaseTag: "release-{version}" })[0]).toContain("^release-");
  });
});

describe("a long command is folded, and YAML reads it back as the same line", () => {
  const command = `dagger call --sha "$CIRCLE_SHA1" publish --nightly ${"--registry-username x ".repeat(5)}--last y`;

  it("keeps a short entry on one line", () => {
    expect(yamlEntry(4, "run", "dagger call publish --dry-run")).toBe("    run: dagger call publish --dry-run");
  });

  it("folds a long one before its options, every line within 120 characters", () => {
    const entry = yamlEntry(10, "command", command);
    expect(entry.split("\n")[0]).toBe("          command: >-");
    expect(entry.split("\n").slice(1)).toEqual([
      expect.stringMatching(/^ {12}dagger call .*--registry-username x$/),
      expect.stringMatching(/^ {12}--registry-username x .*--last y$/),
    ]);
    for (const line of entry.split("\n")) expect(line.length).toBeLessThanOrEqual(120);
    expect(parse(entry)).toEqual({ command });
  });

  it("leaves a value with double spaces on one line: folding would change it", () => {
    const spaced = command.replace("publish", "publish ");
    expect(yamlEntry(10, "command", spaced)).toBe(`          command: ${spaced}`);
  });
});

describe("the cross-check catches a renamed function or argument", () => {
  it("reports them", () => {
    const calls = daggerCalls(
      "dagger call publsh --nightly\ndagger -m x call --source . publish --nightlly\ndagger call --commit x publish",
    );
    expect(crossCheck(calls, api, construct)).toEqual([
      "dagger call publsh --nightly: the module has no function publsh",
      "dagger -m x call --source . publish --nightlly: publish has no argument --nightlly",
      "dagger call --commit x publish: the module takes no --commit before the function",
    ]);
  });
});

describe("the checkers do find problems (so a passing file means something)", () => {
  it("GitHub's parser rejects an unknown key and a job without runs-on", async () => {
    const { errors } = await parseGithubWorkflow("bad.yml", "on: push\njobs:\n  a:\n    stepz: []\n");
    expect(errors.join("\n")).toMatch(/stepz|runs-on/);
  });

  it("actionlint flags untrusted input spliced into run:", async () => {
    const bad =
      "on: pull_request\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n" +
      "      - run: echo ${{ github.event.pull_request.title }}\n";
    expect((await actionlint("bad.yml", bad)).join("\n")).toMatch(/untrusted|potentially untrusted/);
  });

  it("the CircleCI checks flag an unknown job, a dangling requires and an undeclared parameter", () => {
    const bad =
      "version: 2.1\njobs:\n  a:\n    docker: [{image: x}]\n    steps: [checkout]\nworkflows:\n  w:\n    jobs:\n" +
      "      - a:\n          requires: [b]\n      - c\nfoo: << pipeline.parameters.missing >>\n";
    const problems = checkCircleci(bad).join("\n");
    expect(problems).toMatch(/unknown top-level key foo/);
    expect(problems).toMatch(/runs unknown job c/);
    expect(problems).toMatch(/requires unknown b/);
    expect(problems).toMatch(/parameter missing is used but not declared/);
  });
});

describe("the workflow init writes checks out as the repository already does", () => {
  const checkouts = (workflows: Record<string, string>) => {
    const project = tempTree();
    cpSync(join(ROOT, "examples/hyrax"), project, { recursive: true });
    rmSync(join(project, "charthouse.yaml"));
    writeTree(project, workflows);
    const github = initFiles({ root: project, ci: "github", module: "github.com/samvera-labs/charthouse@v0.1.0" })[
      ".github/workflows/charthouse.yml"
    ]!;
    return [...new Set(Object.values<any>(parse(github).jobs).map((job) => job.steps[0].uses))];
  };
  const job = (uses: string) =>
    `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ${uses}\n`;

  it("with the actions/checkout major its workflows use (Hyrax: v6), the highest when they differ", () => {
    expect(checkouts({ ".github/workflows/ci.yml": job("actions/checkout@v6") })).toEqual(["actions/checkout@v6"]);
    const two = {
      ".github/workflows/a.yml": job("actions/checkout@v4.2.2"),
      ".github/workflows/b.yaml": job("actions/checkout@v5"),
    };
    expect(checkouts(two)).toEqual(["actions/checkout@v5"]);
  });

  it("with the newest major when its workflows name none", () => {
    expect(checkouts({})).toEqual([`actions/checkout@${CHECKOUT_VERSION}`]);
    expect(checkouts({ ".github/workflows/ci.yml": job("actions/setup-node@v4") })).toEqual([
      `actions/checkout@${CHECKOUT_VERSION}`,
    ]);
  });

  it("reads a reference pinned by commit by the version in its comment, and nothing else as a checkout", () => {
    const sha = "8e8c483db84b4bee98b60c0593521ed34d9990e8";
    expect(checkoutMajors(`      - uses: actions/checkout@${sha} # v6.0.1\n`)).toEqual([6]);
    expect(checkoutMajors(`      - uses: actions/checkout@${sha}\n`)).toEqual([]);
    expect(checkoutMajors("      - uses: 'actions/checkout@v3'\n      - uses: my/actions/checkout@v9\n")).toEqual([3]);
    expect(checkoutMajors("# uses: actions/checkout@v2 in the old days\n")).toEqual([]);
  });
});
