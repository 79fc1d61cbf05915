/**
 * One regex from consecutive parts, for an expected message too long for one line:
 * `joined(/^pushing \S+: HTTP 503: /, /gave up after 5 attempt\(s\)$/)` is `/^pushing \S+: HTTP 503: gave up…$/`.
 * Each part is a regex literal of its own, so its escapes read as they match; the flags are the first part's.
 */
export function joined(...parts: readonly RegExp[]): RegExp {
  return new RegExp(parts.map((part) => part.source).join(""), parts[0]?.flags);
}
