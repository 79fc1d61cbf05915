/** One combination of a job's matrix: `matrix.<key>` (and `matrix.<key>.<field>` for objects) → value. */
export type Combination = Readonly<Record<string, string>>;

const LIMIT = 256;

/**
 * GitHub's `strategy.matrix` expansion: the product of its lists, less the `exclude`
 * entries, with each `include` entry added to every combination it does not overwrite
 * (or as a combination of its own when it fits none). Undefined when the matrix is an
 * expression (`${{ fromJSON(…) }}`) init cannot read.
 */
export function expandMatrix(matrix: unknown): Combination[] | undefined {
  if (matrix === undefined || matrix === null) return [{}];
  if (typeof matrix !== "object" || Array.isArray(matrix)) return undefined;
  const { include, exclude, ...lists } = matrix as Record<string, unknown>;
  let combos: Record<string, unknown>[] = [{}];
  for (const [key, values] of Object.entries(lists)) {
    if (!Array.isArray(values)) return undefined;
    combos = combos.flatMap((c) => values.map((v) => ({ ...c, [key]: v }))).slice(0, LIMIT);
  }
  const matches = (combo: Record<string, unknown>, entry: Record<string, unknown>) =>
    Object.entries(entry).every(([k, v]) => JSON.stringify(combo[k]) === JSON.stringify(v));
  if (Array.isArray(exclude))
    combos = combos.filter(
      (c) => !exclude.some((e) => e && typeof e === "object" && matches(c, e as Record<string, unknown>)),
    );
  const original = Object.keys(lists);
  if (Object.keys(lists).length === 0) combos = Array.isArray(include) && include.length ? [] : [{}];
  for (const entry of Array.isArray(include) ? (include as Record<string, unknown>[]) : []) {
    if (!entry || typeof entry !== "object") continue;
    let added = false;
    combos = combos.map((c) => {
      const fits = Object.entries(entry).every(
        ([k, v]) => !original.includes(k) || JSON.stringify(c[k]) === JSON.stringify(v),
      );
      if (!fits || !original.length) return c;
      added = true;
      return { ...c, ...entry };
    });
    if (!added) combos.push({ ...entry });
  }
  return combos.map(flatten);
}

function flatten(combo: Record<string, unknown>): Combination {
  const out: Record<string, string> = {};
  const put = (prefix: string, value: unknown) => {
    if (value !== null && typeof value === "object" && !Array.isArray(value))
      for (const [k, v] of Object.entries(value)) put(`${prefix}.${k}`, v);
    else if (value !== null && value !== undefined)
      out[prefix] = Array.isArray(value) ? JSON.stringify(value) : String(value);
  };
  for (const [key, value] of Object.entries(combo)) put(`matrix.${key}`, value);
  return out;
}
