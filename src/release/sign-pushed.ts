import type { RegistryClient } from "../registry/index.js";
import {
  attestedTypes,
  COSIGN_TYPE,
  PREDICATE,
  provenancePredicate,
  signingSubjects,
  signingWork,
  stateTags,
  type ManifestView,
  type ProvenanceFacts,
} from "../signing/index.js";
import { StepFailed, type Engine } from "./engine.js";

/**
 * What one signing step needs besides the artifact: the registry to read, the engine to sign with, the facts to state.
 */
export interface SignContext {
  readonly client: RegistryClient;
  readonly engine: Pick<Engine, "sign" | "attest" | "sbom">;
  readonly facts: Omit<ProvenanceFacts, "artifact" | "configDigest" | "revision">;
}

/** What a signing step did: counts for the progress line. */
export interface SignOutcome {
  readonly signatures: number;
  readonly attestations: number;
}

/**
 * Signs and attests what one pushed name (`repository` at `digest`) stands for — an index
 * and each of its children, or one manifest — skipping whatever its repository already
 * holds a signature or an attestation of the same type for, so a rerun signs nothing
 * twice. The decisions are src/signing's; this reads the registry and calls the engine.
 */
export async function signPushed(
  ctx: SignContext,
  repository: string,
  digest: string,
  artifact: ProvenanceFacts["artifact"],
  revision: string | undefined,
): Promise<SignOutcome> {
  const { client, engine } = ctx;
  const top = await readView(client, repository, digest);
  if (!top) throw new StepFailed(`${repository}@${digest} is not in the registry: nothing to sign`);
  const subjects = signingSubjects(digest, top, artifact.kind);
  const states = await Promise.all(
    subjects.map(async (subject) => {
      const tags = stateTags(subject.digest);
      const [signature, attestations] = await Promise.all([
        client.headManifest(repository, tags.signature),
        readView(client, repository, tags.attestations),
      ]);
      return { ...subject, signed: signature !== null, attested: attestedTypes(attestations) };
    }),
  );
  let signatures = 0;
  let attestations = 0;
  for (const work of signingWork(states)) {
    const subject = `${repository}@${work.digest}`;
    if (work.sign) {
      await engine.sign(subject);
      signatures++;
    }
    for (const type of work.attest) {
      const predicate =
        type === PREDICATE.sbom
          ? await engine.sbom(subject)
          : JSON.stringify(
              provenancePredicate({
                ...ctx.facts,
                artifact,
                revision,
                configDigest:
                  work.digest === digest ? configOf(top) : configOf(await readView(client, repository, work.digest)),
              }),
            );
      await engine.attest(subject, COSIGN_TYPE[type]!, predicate);
      attestations++;
    }
  }
  return { signatures, attestations };
}

/** The progress note of a signing step. */
export function signNote(o: SignOutcome): string {
  return o.signatures + o.attestations === 0
    ? "signed and attested already"
    : `${o.signatures} signature(s), ${o.attestations} attestation(s)`;
}

async function readView(client: RegistryClient, repository: string, reference: string): Promise<ManifestView | null> {
  const manifest = await client.getManifest(repository, reference);
  return manifest
    ? { mediaType: manifest.mediaType, body: JSON.parse(manifest.bytes.toString("utf8")) as unknown }
    : null;
}

function configOf(view: ManifestView | null): string | undefined {
  const digest = (view?.body as { config?: { digest?: unknown } } | undefined)?.config?.digest;
  return typeof digest === "string" ? digest : undefined;
}
