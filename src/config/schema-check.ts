import type { ErrorObject } from "ajv";
import { didYouMean } from "./did-you-mean.js";
import { formatFieldPath, pointerToPath, type FieldPath } from "./positions.js";
import shippedSchema from "../../charthouse.schema.json" with { type: "json" };
import { validate as validateSchema } from "./schema-validator.generated.js";

/** A schema violation, before it is given a file position. */
export interface SchemaProblem {
  readonly path: FieldPath;
  /** True when the problem is the key itself (an unknown key), not its value. */
  readonly atKey: boolean;
  readonly message: string;
  readonly fix: string;
}

/** The JSON Schema shipped at the package root, so editors validate charthouse.yaml too. */
export const schema: Record<string, unknown> = shippedSchema;

/** The schema compiled ahead of time (scripts/build-validator.mjs): no ajv, no compile at start-up. */
const validate = validateSchema as unknown as ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

/** Every way `data` breaks the schema, as problems a person can act on. */
export function checkSchema(data: unknown): SchemaProblem[] {
  // The schema has no oneOf/anyOf, so ajv reports each violation once: nothing to merge.
  return validate(data) ? [] : (validate.errors ?? []).map(toProblem);
}

const PATTERN_HINTS: Record<string, { message: string; fix: string }> = {
  registry: {
    message: "is not a registry and namespace",
    fix: "write a lowercase registry host with an optional namespace, e.g. registry: ghcr.io/samvera",
  },
  source: { message: "is not an http(s) URL", fix: "write the repository URL, e.g. https://github.com/samvera/hyrax" },
  name: {
    message: "is not a valid name",
    fix: "use lowercase letters and digits, separated by single '.', '_' or '-', e.g. hyrax-worker",
  },
  platforms: { message: "is not a platform", fix: "write os/arch[/variant], e.g. linux/amd64 or linux/arm64/v8" },
  caches: { message: "is not an absolute path", fix: "write the path in the test container, e.g. /usr/local/bundle" },
};

function toProblem(error: ErrorObject): SchemaProblem {
  const path = pointerToPath(error.instancePath);
  const field = formatFieldPath(path);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "additionalProperties": {
      const key = String(params.additionalProperty);
      const known = Object.keys((error.parentSchema?.properties as object | undefined) ?? {}).filter(
        (k) => k !== "$schema",
      );
      const guess = didYouMean(key, known);
      return {
        path: [...path, key],
        atKey: true,
        message: `unknown key "${key}"${guess ? `; did you mean "${guess}"?` : ""}`,
        fix: guess ? `rename it to ${guess}` : `remove it; the keys allowed here are: ${known.join(", ")}`,
      };
    }
    case "required": {
      const key = String(params.missingProperty);
      return {
        path,
        atKey: false,
        message: `missing required key "${key}"${path.length ? ` in ${field}` : ""}`,
        fix: `add ${key}: …`,
      };
    }
    case "type": {
      // `releaseTag: {version}` unquoted is a YAML mapping, not the pattern.
      const unquoted =
        params.type === "string" && typeof error.data === "object" && error.data !== null && !Array.isArray(error.data);
      const fix = unquoted
        ? `quote it: ${String(path.at(-1))}: "{${Object.keys(error.data as object)[0] ?? "…"}}…" (unquoted braces ` +
          "are a YAML mapping)"
        : `write ${field} as ${article(String(params.type))}`;
      return { path, atKey: false, message: `must be ${article(String(params.type))}`, fix };
    }
    case "pattern": {
      const hint = PATTERN_HINTS[String(path.findLast((p) => typeof p === "string"))] ?? {
        message: `does not match ${String(params.pattern)}`,
        fix: "correct the value",
      };
      return { path, atKey: false, ...hint };
    }
    case "enum": {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const guess = didYouMean(String(error.data), allowed);
      return {
        path,
        atKey: false,
        message: `"${String(error.data)}" is none of ${allowed.join(", ")}${guess ? `; did you mean "${guess}"?` : ""}`,
        fix: `write one of: ${allowed.join(", ")}`,
      };
    }
    case "minItems":
      return {
        path,
        atKey: false,
        message: `must have at least ${String(params.limit)} item(s)`,
        fix: `add an entry to ${field} or remove the key`,
      };
    default:
      // minimum, maximum: ajv says "must be >= 1" itself.
      return { path, atKey: false, message: error.message ?? `is invalid (${error.keyword})`, fix: `correct ${field}` };
  }
}

function article(type: string): string {
  if (type === "array") return "a list";
  if (type === "object") return "a mapping";
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
