/**
 * An argument list as one POSIX shell line: each argument that is not plainly safe single-quoted, so `sh -c` of the
 * result runs exactly these arguments (the Dagger adapter builds its `sh -c` scripts with it), and a person can copy
 * it from a message and get the same. Safe for any string, quotes, spaces and newlines included; not for a NUL, which
 * no argument can hold.
 */
export function shellQuote(args: readonly string[]): string {
  return args.map((a) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`)).join(" ");
}
