import { parseRepository, type RegistryClient } from "../registry/index.js";
import {
  attestedTypes,
  COSIGN_TYPE,
  PREDICATE,
  provenancePredicate,
  referrerState,
  signatureMode,
  signatureModeNote,
  signingSubjects,
  signingWork,
  stateTags,
  type ManifestView,
  type ProvenanceFacts,
  type SignatureMode,
  type Subject,
  type SubjectState,
} from "../signing/index.js";
import { StepFailed, type Engine } from "./engine.js";

/**
 * What one signing step needs besides the artifact: the registry to read, the engine to sign with, the facts to state.
 */
export interface SignContext {
  readonly client: RegistryClient;
  /** Where this registry keeps signatures: decided once per registry by signatureModeOf. */
  readonly mode: SignatureMode;
  readonly engine: Pick<Engine, "sign" | "attest" | "sbom">;
  readonly facts: Omit<ProvenanceFacts, "artifact" | "configDigest" | "revision">;
}

/** What a signing step did: counts for the progress line. */
export interface SignOutcome {
  readonly signatures: number;
  readonly attestations: number;
  readonly mode: SignatureMode;
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
  const states = await Promise.all(subjects.map((subject) => readState(client, repository, subject, ctx.mode)));
  let signatures = 0;
  let attestations = 0;
  for (const work of signingWork(states)) {
    const subject = `${repository}@${work.digest}`;
    if (work.sign) {
      await engine.sign(subject, ctx.mode);
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
      await engine.attest(subject, COSIGN_TYPE[type]!, predicate, ctx.mode);
      attestations++;
    }
  }
  return { signatures, attestations, mode: ctx.mode };
}

/** The progress note of a signing step: what it wrote, and where. */
export function signNote(o: SignOutcome): string {
  const done =
    o.signatures + o.attestations === 0
      ? "signed and attested already"
      : `${o.signatures} signature(s), ${o.attestations} attestation(s)`;
  return `${done}${signatureModeNote(o.mode)}`;
}

/**
 * Where `repository`'s registry keeps signatures, probed once per registry and run: its
 * referrers API asked of `digest` (pushed there, so a registry with the API lists it,
 * if only as empty). `probes` holds each registry's answer for the run's later steps.
 */
export function signatureModeOf(
  client: Pick<RegistryClient, "referrers">,
  probes: Map<string, Promise<SignatureMode>>,
  repository: string,
  digest: string,
): Promise<SignatureMode> {
  const registry = parseRepository(repository).host;
  let mode = probes.get(registry);
  if (!mode) {
    mode = client.referrers(repository, digest).then(signatureMode);
    // A failed probe is the step's failure; the next step asks again.
    mode.catch(() => probes.delete(registry));
    probes.set(registry, mode);
  }
  return mode;
}

/**
 * What the registry holds of one subject already, where `mode` keeps it: its referrers, or
 * its `.sig` and `.att` tags.
 */
async function readState(
  client: RegistryClient,
  repository: string,
  subject: Subject,
  mode: SignatureMode,
): Promise<SubjectState> {
  if (mode === "referrers") {
    const referrers = await client.referrers(repository, subject.digest);
    if (referrers === null)
      throw new StepFailed(
        `${repository} did not answer the referrers API for ${subject.digest}, though its registry did for ` +
          "this run's first signature: run again (a registry that serves the API to some repositories only " +
          "cannot be signed in one mode)",
      );
    return { ...subject, ...referrerState(referrers) };
  }
  const tags = stateTags(subject.digest);
  const [signature, attestations] = await Promise.all([
    client.headManifest(repository, tags.signature),
    readView(client, repository, tags.attestations),
  ]);
  return { ...subject, signed: signature !== null, attested: attestedTypes(attestations) };
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
