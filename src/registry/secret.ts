import { inspect } from "node:util";

/**
 * A credential that prints as `[redacted]` however it is logged, stringified or
 * serialised; only `reveal()` gives the value, and only at the edge that sends it.
 */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return "[redacted]";
  }
  toJSON(): string {
    return "[redacted]";
  }
  [inspect.custom](): string {
    return "Secret([redacted])";
  }
}

/** Replaces every occurrence of each secret's value in `text` (for output of tools we run). */
export function redact(text: string, secrets: readonly (Secret | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    const value = secret?.reveal();
    if (value && value.length >= 4) out = out.split(value).join("[redacted]");
  }
  return out;
}
