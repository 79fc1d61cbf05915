/** Values a workflow's `${{ … }}` expressions and shell variables may name; undefined when unknown here. */
export type Vars = Readonly<Record<string, string | undefined>>;

/** A text with every expression evaluated, or the expressions that could not be. */
export type Evaluated =
  { readonly ok: true; readonly value: string } | { readonly ok: false; readonly unknown: readonly string[] };

/**
 * GitHub's `${{ name }}` expressions where `name` is a context path (`github.repository`,
 * `env.TAG`, `matrix.app`, `inputs.target`, `steps.meta.outputs.tags`): what init can
 * know without running the workflow. Anything else (functions, operators) stays unknown.
 */
export function evaluateExpressions(text: string, vars: Vars): Evaluated {
  const unknown: string[] = [];
  const value = text.replace(/\$\{\{\s*(.*?)\s*\}\}/g, (whole, name: string) => {
    const known = /^[\w.-]+$/.test(name) ? vars[name] : undefined;
    if (known === undefined) unknown.push(whole);
    return known ?? "";
  });
  return unknown.length ? { ok: false, unknown } : { ok: true, value };
}

/**
 * Like evaluateExpressions, but an unknown expression is kept as a marker that
 * `hasUnknown` finds: for texts where only a part must be known (an image reference's
 * repository, not its tag).
 */
export function evaluatePartly(text: string, vars: Vars): string {
  return text.replace(
    /\$\{\{\s*(.*?)\s*\}\}/g,
    (_, name: string) => (/^[\w.-]+$/.test(name) ? vars[name] : undefined) ?? UNKNOWN,
  );
}

const UNKNOWN = "\u0000";

export function hasUnknown(text: string): boolean {
  return text.includes(UNKNOWN);
}

/**
 * The values a shell sees for `$NAME` in a run step: the step's and job's `env:` (GitHub
 * exports them) and what GitHub sets from the repository; `GITHUB_SHA` and the like stay
 * unknown (they differ per run).
 */
export function shellVars(vars: Vars): Vars {
  const out: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(vars)) if (key.startsWith("env.")) out[key.slice(4)] = value;
  out.GITHUB_REPOSITORY = vars["github.repository"];
  out.GITHUB_REPOSITORY_OWNER = vars["github.repository_owner"];
  return out;
}
