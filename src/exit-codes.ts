/**
 * charthouse's exit codes, in one table: `--help` (src/cli/program.ts) prints each command's rows, and `npm run
 * generate` writes them into README.md and docs/sync.md (scripts/build-exit-codes.ts), so the three cannot drift.
 */

/** The codes every run command shares; each error class carries one (src/errors.ts). */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  refused: 3,
  gateFailed: 4,
  publishFailed: 5,
  /** Interrupted (Ctrl-C): 128 + SIGINT, as shells report it. */
  cancelled: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** `charthouse sync`'s own codes, which a CronJob tells apart; the updater chart treats 0 and 10 as success. */
export const SyncExitCode = {
  upToDate: 0,
  misconfigured: 2,
  upgraded: 10,
  failed: 20,
  rolledBack: 21,
  refused: 22,
} as const;

export type CommandName = "plan" | "check" | "publish" | "test" | "lint" | "package" | "init" | "sync" | "updater-role";

export interface ExitCodeRow {
  readonly code: number;
  readonly text: string;
  /** The commands that can end with it. */
  readonly commands: readonly CommandName[];
}

const RUNS: readonly CommandName[] = ["publish", "test", "lint", "package"];
const RELEASE: readonly CommandName[] = ["plan", "check", ...RUNS, "init"];

/** What each exit code means, by the commands that can end with it. */
export const EXIT_CODES: readonly ExitCodeRow[] = [
  { code: ExitCode.ok, text: "done (published, or nothing to do)", commands: RELEASE },
  { code: ExitCode.ok, text: "done: the Role is printed", commands: ["updater-role"] },
  { code: SyncExitCode.upToDate, text: "up to date, or held", commands: ["sync"] },
  {
    code: ExitCode.failure,
    text: "unexpected failure (a registry that cannot be reached, a bug)",
    commands: RELEASE,
  },
  { code: ExitCode.failure, text: "unexpected failure (a bug)", commands: ["sync", "updater-role"] },
  {
    code: ExitCode.usage,
    text: "usage or config error: fix the flags or charthouse.yaml",
    commands: [...RELEASE, "updater-role"],
  },
  {
    code: SyncExitCode.misconfigured,
    text: "misconfigured: a flag, or a rule the updater's Role lacks for the new version (named); nothing changed",
    commands: ["sync"],
  },
  {
    code: ExitCode.refused,
    text: "policy refusal: the run would overwrite an immutable tag",
    commands: ["plan", ...RUNS],
  },
  { code: ExitCode.gateFailed, text: "a gate failed: nothing was published", commands: RUNS },
  {
    code: ExitCode.publishFailed,
    text: "a publish failed: the error lists what was and was not pushed",
    commands: ["publish"],
  },
  { code: SyncExitCode.upgraded, text: "upgraded (0 with --zero-exit-on-upgrade)", commands: ["sync"] },
  {
    code: SyncExitCode.failed,
    text: "the upgrade failed, or the registry or the cluster could not be reached",
    commands: ["sync"],
  },
  { code: SyncExitCode.rolledBack, text: "the upgrade failed and was rolled back", commands: ["sync"] },
  {
    code: SyncExitCode.refused,
    text: "every newer version refused: unsigned, or signed by another key than --verify-key; nothing changed",
    commands: ["sync"],
  },
  {
    code: ExitCode.cancelled,
    text: "interrupted (Ctrl-C): the run's containers and network were removed, no alias moved",
    commands: RUNS,
  },
];

/**
 * The rows `command` can end with, by code; "" is charthouse itself: every row but those only sync and updater-role
 * have, which their own help lists.
 */
export function exitCodesOf(command: CommandName | ""): ExitCodeRow[] {
  return EXIT_CODES.filter((row) =>
    command === "" ? !row.commands.every((n) => n === "sync" || n === "updater-role") : row.commands.includes(command),
  ).sort((a, b) => a.code - b.code);
}
