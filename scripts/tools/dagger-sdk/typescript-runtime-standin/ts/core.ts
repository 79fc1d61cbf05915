// Written by charthouse's stand-in for Dagger's TypeScript SDK runtime. The SDK's runtime code, from the published
// @dagger.io/dagger npm package the engine's SDK content ships: what the generated client and the module need besides
// the client itself.
export {
  argument,
  check,
  connect,
  connection,
  Context,
  entrypoint,
  enumType,
  field,
  func,
  generate,
  getTracer,
  GraphQLClient,
  object,
  up,
  DaggerSDKError,
  ExecError,
  FunctionNotFound,
  GraphQLRequestError,
  IntrospectionError,
  NotAwaitedRequestError,
  TooManyNestedObjectsError,
  UnknownDaggerError,
} from "@NPM_SDK@/dist/src/index.js";
export type { CallbackFct, ConnectOpts } from "@NPM_SDK@/dist/src/index.js";
