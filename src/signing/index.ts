export { signatureTag, attestationTag, isSigstoreTag } from "./tags.js";
export {
  signingSubjects,
  signingWork,
  wantedAttestations,
  stateTags,
  attestedTypes,
  type ManifestView,
  type Subject,
  type SubjectState,
  type SubjectWork,
} from "./subjects.js";
export { provenancePredicate, PREDICATE, COSIGN_TYPE, type ProvenanceFacts } from "./provenance.js";
export { provenanceMessage, type ChartMetadata } from "./helm-provenance.js";
export { cosignArgs, KEY_ONLY_TRUSTED_ROOT } from "./cosign-args.js";
export {
  verifySignatureLayers,
  parsePinnedImages,
  SIGNATURE_ANNOTATION,
  type PinnedImage,
  type SignatureLayer,
  type Verdict,
} from "./simple-signing.js";
