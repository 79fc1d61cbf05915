import type { Vars } from "./expressions.js";

/** A variable a run step writes to `$GITHUB_ENV`: its value, or why it cannot be known here. */
export type EnvWrite =
  { readonly name: string; readonly value: string } | { readonly name: string; readonly unknown: string };

/**
 * The `NAME=value >> $GITHUB_ENV` writes of a run step, in the shell forms workflows use
 * (`echo "REPO_LOWER=${REPO,,}" >> $GITHUB_ENV`, `echo TAG=${GITHUB_SHA::8} >> "$GITHUB_ENV"`),
 * each value expanded as bash would: `$V`, `${V}`, `${V,,}`, `${V^^}`, `${V::n}`, `${V:o:n}`,
 * `${V:-default}`. A command substitution, an unknown variable, or a name the step writes with
 * different values (in branches of an `if`) leaves the value unknown.
 */
export function githubEnvWrites(run: string, vars: Vars): EnvWrite[] {
  const writes: EnvWrite[] = [];
  const known: Record<string, string | undefined> = { ...vars };
  for (const line of run.split("\n")) {
    const m = line.match(/^\s*(?:echo|printf)\s+(.*?)\s*>>\s*"?\$\{?GITHUB_ENV\}?"?\s*$/);
    if (!m) continue;
    const word = unquote(m[1]!.replace(/^-e\s+/, "").replace(/\\n$/, ""));
    const eq = word.indexOf("=");
    if (eq <= 0) continue;
    const name = word.slice(0, eq);
    const value = expandShell(word.slice(eq + 1), known);
    if (value.ok) {
      known[name] = value.value;
      writes.push({ name, value: value.value });
    } else {
      known[name] = undefined;
      writes.push({ name, unknown: value.unknown });
    }
  }
  // One name written with two values in one step (`if …; then echo A=x …; else echo A=y …`): which one depends on the
  // run.
  const values = new Map<string, Set<string>>();
  for (const w of writes)
    values.set(w.name, (values.get(w.name) ?? new Set()).add("value" in w ? w.value : `\u0000${w.unknown}`));
  return writes.map((w) =>
    (values.get(w.name)?.size ?? 0) > 1
      ? { name: w.name, unknown: `$${w.name}, written with different values depending on how the step runs` }
      : w,
  );
}

function unquote(word: string): string {
  const m = word.match(/^"(.*)"$/) ?? word.match(/^'(.*)'$/);
  return m ? m[1]! : word;
}

/** Bash's parameter expansion in the forms above. */
export function expandShell(text: string, vars: Vars): { ok: true; value: string } | { ok: false; unknown: string } {
  if (/\$\(|`/.test(text)) return { ok: false, unknown: `a command's output (${text})` };
  let unknown: string | undefined;
  const value = text.replace(
    /\$\{(\w+)([^}]*)\}|\$(\w+)/g,
    (whole, braced: string | undefined, op: string | undefined, bare: string | undefined) => {
      const name = braced ?? bare!;
      const raw = vars[name];
      const def = op?.match(/^:?-(.*)$/);
      if (raw === undefined || raw === "") {
        if (def) return def[1]!;
        if (raw === undefined) unknown ??= `$${name} (${whole})`;
        return "";
      }
      if (!op || def) return raw;
      if (op === ",,") return raw.toLowerCase();
      if (op === "^^") return raw.toUpperCase();
      if (op === ",") return raw.charAt(0).toLowerCase() + raw.slice(1);
      if (op === "^") return raw.charAt(0).toUpperCase() + raw.slice(1);
      const slice = op.match(/^:(\d*):?(\d*)$/);
      if (slice) {
        const from = Number(slice[1] || 0);
        return slice[2] === "" && !op.endsWith(":") ? raw.slice(from) : raw.slice(from, from + Number(slice[2] || 0));
      }
      unknown ??= `${whole} (an expansion init does not evaluate)`;
      return "";
    },
  );
  return unknown === undefined ? { ok: true, value } : { ok: false, unknown };
}
