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
export { cosignArgs, KEY_ONLY_TRUSTED_ROOT, type CosignVerifyOptions, type CosignWriteOptions } from "./cosign-args.js";
export {
  signatureMode,
  signatureModeNote,
  referrerState,
  signatureReferrers,
  bundlePredicateType,
  BUNDLE_MEDIA_TYPE,
  BUNDLE_PREDICATE_ANNOTATION,
  SIGN_PREDICATE,
  type ReferrerView,
  type SignatureMode,
} from "./referrers.js";
export { verifySignatures, type SignatureBundle } from "./sigstore-bundle.js";
export {
  verifySignatureLayers,
  NOT_SIGNED,
  parsePinnedImages,
  SIGNATURE_ANNOTATION,
  type PinnedImage,
  type SignatureLayer,
  type Verdict,
} from "./simple-signing.js";
