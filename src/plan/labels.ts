import { OCI } from "../registry/types.js";

export { OCI };

/**
 * Labels and annotations for one artifact. `created` is the commit's time, never the
 * wall clock, so a rerun's artifacts are identical and build caches hold.
 */
export function ociAnnotations(facts: {
  source?: string;
  revision: string;
  version: string;
  created: string;
}): Record<string, string> {
  return {
    ...(facts.source ? { [OCI.source]: facts.source } : {}),
    [OCI.revision]: facts.revision,
    [OCI.version]: facts.version,
    [OCI.created]: facts.created,
  };
}
