/** The named stages of a Dockerfile (`FROM image AS name`), in order. */
export function listStages(dockerfile: string): string[] {
  const stages: string[] = [];
  const re = /^\s*FROM\s+(?:--\S+\s+)*\S+\s+AS\s+([A-Za-z0-9][A-Za-z0-9_.-]*)\s*$/gim;
  for (const match of dockerfile.matchAll(re)) stages.push(match[1]!);
  return stages;
}
