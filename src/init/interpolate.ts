/** A compose value after interpolation, or the variables nothing defines. */
export type Interpolated =
  { readonly ok: true; readonly value: string } | { readonly ok: false; readonly unknown: readonly string[] };

/**
 * Compose's interpolation: `${VAR}`, `$VAR`, `${VAR:-default}` and `${VAR-default}`
 * (nested defaults too), `${VAR:?message}`, `$$` for a literal `$`. Variables come from the
 * project's `.env`; one it does not define, without a default, is unknown.
 */
export function interpolate(text: string, env: Readonly<Record<string, string>>): Interpolated {
  const unknown: string[] = [];
  let out = "";
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c !== "$") {
      out += c;
      i += 1;
      continue;
    }
    const next = text[i + 1];
    if (next === "$") {
      out += "$";
      i += 2;
    } else if (next === "{") {
      const end = closingBrace(text, i + 2);
      if (end < 0) {
        unknown.push(text.slice(i));
        break;
      }
      const body = text.slice(i + 2, end);
      const m = body.match(/^(\w+)(?:(:?)([-?+])(.*))?$/s);
      if (!m) unknown.push(`\${${body}}`);
      else {
        const [, name, colon, op, rest = ""] = m;
        const value = env[name!];
        const unset = value === undefined || (colon === ":" && value === "");
        if (op === "-" && unset) {
          const inner = interpolate(rest, env);
          if (inner.ok) out += inner.value;
          else unknown.push(...inner.unknown);
        } else if (op === "+") {
          if (!unset) {
            const inner = interpolate(rest, env);
            if (inner.ok) out += inner.value;
            else unknown.push(...inner.unknown);
          }
        } else if (unset && value === undefined) unknown.push(name!);
        else if (op === "?" && unset) unknown.push(name!);
        else out += value ?? "";
      }
      i = end + 1;
    } else {
      const m = text.slice(i + 1).match(/^\w+/);
      if (!m) {
        out += "$";
        i += 1;
      } else {
        const value = env[m[0]];
        if (value === undefined) unknown.push(m[0]);
        out += value ?? "";
        i += 1 + m[0].length;
      }
    }
  }
  return unknown.length ? { ok: false, unknown } : { ok: true, value: out };
}

function closingBrace(text: string, from: number): number {
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    if (text[i] === "{") depth++;
    else if (text[i] === "}" && --depth === 0) return i;
  }
  return -1;
}

/** A `.env` file as compose reads it: `KEY=value`, quotes stripped, comments and blank lines skipped. */
export function parseDotEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const m = line.match(/^\s*(?:export\s+)?([\w.-]+)\s*=\s*(.*)$/);
    if (!m) continue;
    let value = m[2]!.trim();
    const quoted = value.match(/^"(.*)"$/) ?? value.match(/^'(.*)'$/);
    if (quoted) value = quoted[1]!;
    else value = value.replace(/\s+#.*$/, "");
    env[m[1]!] = value;
  }
  return env;
}
