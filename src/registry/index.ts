export {
  RegistryClient,
  MEDIA_TYPES,
  nextLink,
  type ClientOptions,
  type Manifest,
  type RequestEvent,
} from "./client.js";
export { Authorizer, parseChallenge, grantedScopes, repositoryScope, type Challenge } from "./auth.js";
export { resolveCredentials, type Credentials, type CredentialSources } from "./credentials.js";
export { Secret, redact } from "./secret.js";
export { parseRepository, isLoopbackHost, registryBaseUrl, speaksPlainHttp } from "./reference.js";
export { withRetry, retryAfterMs, isRetryableStatus, DEFAULT_RETRY, type RetryPolicy } from "./retry.js";
export { readTag } from "./read-tag.js";
export { parseReferrers, type ReferrerDescriptor } from "./referrers.js";
export { inspectRegistry, type InspectionTargets } from "./inspect-registry.js";
export { LISTED, OCI, type RegistryState, type TagRecord } from "./types.js";
export { preflight, lackingPushRights, type PreflightResult } from "./preflight.js";
export {
  imageIndex,
  indexPlatforms,
  platformName,
  type IndexChild,
  type OciPlatform,
  type PlatformManifest,
} from "./image-index.js";
