import { createHash, randomBytes } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { basename, join } from "node:path";
import { Kind, parse, valueFromASTUntyped, type FieldNode, type SelectionSetNode } from "graphql";

/**
 * A FAKE Dagger engine: a GraphQL server on 127.0.0.1 that the real SDK talks to
 * (through DAGGER_SESSION_PORT / DAGGER_SESSION_TOKEN). It records every query and
 * answers plausibly from a small model: directories and files backed by real paths,
 * containers as chains of the calls made on them. No container ever runs.
 */
export interface Effect {
  readonly kind:
    | "build"
    | "exec"
    | "publish"
    | "registry-auth"
    | "service-binding"
    | "service-start"
    | "secret-variable"
    | "secret-mount"
    | "cache"
    | "mount";
  readonly detail: Record<string, unknown>;
}

interface Obj {
  type: string;
  path?: string;
  labels?: Record<string, string>;
  execs?: string[][];
  failure?: { cmd: string[] };
  detail?: Record<string, unknown>;
  virtualFiles?: Record<string, string>;
}

/** One platform's container of a multi-platform publish. */
export interface PublishedPlatform {
  readonly platform: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
}

/** What `dagger call` would have the engine hand the module: the function and its arguments (JSON values). */
export interface FunctionCall {
  readonly parentName: string;
  /** "" calls the object's constructor. */
  readonly name: string;
  readonly args: Record<string, unknown>;
  /** The object's state (JSON) the function is called on: what its constructor returned. */
  readonly parent?: string;
}

/** What the module handed back: a value (JSON text) or an error. */
export type Returned =
  { readonly value: string } | { readonly error: { message: string; values: Record<string, string> } };

export interface FakeEngine {
  readonly port: number;
  readonly token: string;
  readonly queries: string[];
  readonly effects: Effect[];
  /** Make exec of these arguments fail with exit 1. */
  failExec: (args: string[]) => boolean;
  /** What a failing exec printed to stderr. */
  failStderr: string;
  /** Told when a container's last exec runs (sync, stdout), e.g. to do in a real registry what `helm push` would. */
  onRun: (args: string[]) => Promise<void>;
  /** What an exec prints (its container's mounts: path → host directory); "" unless set. */
  execStdout: (args: string[], mounts: Record<string, string>) => string;
  /** Whether a built image has a path (Container.exists), and the user it runs as (Container.user). */
  imagePaths: (path: string) => boolean;
  imageUser: string;
  /** The engine's own platform (Query.defaultPlatform). */
  defaultPlatform: string;
  /**
   * Told of every publish, before it answers (e.g. to put a real image in a real registry);
   * with `platformVariants`, each platform's container in `platforms` (an index is published).
   */
  onPublish: (
    address: string,
    labels: Record<string, string>,
    platforms: readonly PublishedPlatform[],
  ) => Promise<string | void>;
  /** The call the next entrypoint run is told about (`currentFunctionCall`); undefined: registration. */
  call: FunctionCall | undefined;
  /** What the module returned for the last call (returnValue / returnError). */
  returned: Returned | undefined;
  /** An ID the module can be handed for a host directory or a secret, as `dagger call` passes them. */
  directoryId(path: string): string;
  secretId(uri: string): string;
  /** The module registered by a registration run, its IDs resolved to plain records. */
  registered(): RegisteredModule;
  stop(): Promise<void>;
}

export interface RegisteredType {
  kind: string;
  name?: string;
  optional?: boolean;
  elementType?: RegisteredType;
}
export interface RegisteredArg {
  name: string;
  type: RegisteredType;
  description?: string;
  defaultValue?: string;
  defaultPath?: string;
  ignore?: string[];
}
export interface RegisteredFunction {
  name: string;
  returnType: RegisteredType;
  description?: string;
  args: RegisteredArg[];
  cachePolicy?: { policy: string; timeToLive?: string };
  check: boolean;
}
export interface RegisteredObject {
  kind: "OBJECT_KIND";
  name: string;
  description?: string;
  functions: RegisteredFunction[];
  /** The constructor (`dagger call --arg … fn`): its arguments; absent when the object has none. */
  construct?: RegisteredFunction;
}
export interface RegisteredModule {
  description?: string;
  objects: RegisteredObject[];
}

export async function startFakeEngine(opts: { moduleSource: string; moduleName?: string }): Promise<FakeEngine> {
  const objects = new Map<string, Obj>();
  const token = randomBytes(16).toString("hex");
  let n = 0;
  const idOf = (obj: Obj): string => {
    const id = `fake-${obj.type}-${++n}`;
    objects.set(id, obj);
    return id;
  };
  const engine: FakeEngine = {
    port: 0,
    token,
    queries: [],
    effects: [],
    failExec: () => false,
    failStderr: "injected failure",
    execStdout: () => "",
    onRun: async () => {},
    imagePaths: () => true,
    imageUser: "",
    defaultPlatform: "linux/amd64",
    onPublish: async () => undefined,
    call: undefined,
    returned: undefined,
    directoryId: (path) => idOf({ type: "Directory", path }),
    secretId: (uri) => idOf({ type: "Secret", detail: { uri } }),
    registered: () => {
      if (!engine.returned || !("value" in engine.returned)) throw new Error("the module registered nothing");
      const module = objects.get(JSON.parse(engine.returned.value) as string);
      if (module?.type !== "Module") throw new Error(`registration returned ${engine.returned.value}, not a module ID`);
      return JSON.parse(JSON.stringify(module.detail)) as RegisteredModule;
    },
    stop: async () => {},
  };

  class FieldError extends Error {
    constructor(
      message: string,
      readonly extensions?: Record<string, unknown>,
    ) {
      super(message);
    }
  }

  const container = (from: Obj, change: Partial<Obj>): Obj => ({
    type: "Container",
    labels: { ...from.labels },
    execs: [...(from.execs ?? [])],
    failure: from.failure,
    detail: { ...from.detail },
    ...change,
  });

  /** A field of `parent`; objects come back as Obj, leaves as values. */
  async function resolve(parent: Obj, name: string, args: Record<string, unknown>): Promise<unknown> {
    const obj = (id: unknown): Obj => {
      const found = objects.get(String(id));
      if (!found) throw new FieldError(`unknown id ${String(id)}`);
      return found;
    };
    if (name === "id") return idOf(parent);
    if (name.startsWith("load") && name.endsWith("FromID")) return obj(args.id);
    switch (parent.type) {
      case "Query":
        if (name === "container")
          return { type: "Container", labels: {}, execs: [], detail: { platform: args.platform } };
        if (name === "defaultPlatform") return engine.defaultPlatform;
        if (name === "host") return { type: "Host" };
        if (name === "directory") return { type: "Directory", virtualFiles: {} };
        if (name === "secret") return { type: "Secret", detail: { uri: args.uri } };
        if (name === "setSecret") return { type: "Secret", detail: { name: args.name } };
        if (name === "cacheVolume") return { type: "CacheVolume", detail: { key: args.key } };
        if (name === "currentModule") return { type: "CurrentModule" };
        if (name === "currentFunctionCall") return { type: "FunctionCall" };
        if (name === "node") return obj(args.id);
        if (name === "error") return { type: "Error", detail: { message: args.message, values: {} } };
        if (name === "module") return { type: "Module", detail: { objects: [] } };
        if (name === "typeDef") return { type: "TypeDef", detail: {} };
        if (name === "sourceMap") return { type: "SourceMap", detail: { ...args } };
        if (name === "function")
          return {
            type: "Function",
            detail: { name: args.name, returnType: obj(args.returnType).detail, args: [], check: false },
          };
        break;
      case "FunctionCall": {
        const call = engine.call;
        if (!call && name !== "parentName" && name !== "returnValue" && name !== "returnError")
          throw new FieldError(`no function call: ${name}`);
        if (name === "parentName") return call?.parentName ?? "";
        if (name === "name") return call!.name;
        if (name === "parent") return call!.parent ?? "{}";
        if (name === "inputArgs")
          return Object.entries(call!.args).map(([argName, value]) => ({
            type: "FunctionCallArgValue",
            detail: { name: argName, value: JSON.stringify(value) },
          }));
        if (name === "returnValue") {
          engine.returned = { value: String(args.value) };
          return null;
        }
        if (name === "returnError") {
          engine.returned = { error: obj(args.error).detail as { message: string; values: Record<string, string> } };
          return null;
        }
        break;
      }
      case "FunctionCallArgValue":
        if (name === "name" || name === "value") return parent.detail?.[name];
        break;
      case "Error":
        if (name === "withValue")
          return {
            type: "Error",
            detail: {
              ...parent.detail,
              values: { ...(parent.detail?.values as object), [String(args.name)]: args.value },
            },
          };
        break;
      case "SourceMap":
        break;
      case "Module": {
        const d = parent.detail as { objects: unknown[] };
        if (name === "withDescription") return { type: "Module", detail: { ...d, description: args.description } };
        if (name === "withObject")
          return { type: "Module", detail: { ...d, objects: [...d.objects, obj(args.object).detail] } };
        if (name === "withEnum" || name === "withInterface")
          throw new FieldError(`the fake engine does not model Module.${name}`);
        break;
      }
      case "TypeDef": {
        const d = parent.detail ?? {};
        const typeDef = (detail: Record<string, unknown>): Obj => ({ type: "TypeDef", detail: { ...d, ...detail } });
        if (name === "withKind") return typeDef({ kind: args.kind });
        if (name === "withOptional") return typeDef({ optional: args.optional });
        if (name === "withObject")
          return typeDef({ kind: "OBJECT_KIND", name: args.name, description: args.description, functions: [] });
        if (name === "withListOf") return typeDef({ kind: "LIST_KIND", elementType: obj(args.elementType).detail });
        if (name === "withScalar") return typeDef({ kind: "SCALAR_KIND", name: args.name });
        if (name === "withEnum") return typeDef({ kind: "ENUM_KIND", name: args.name });
        if (name === "withInterface") return typeDef({ kind: "INTERFACE_KIND", name: args.name });
        if (name === "withFunction")
          return typeDef({ functions: [...((d.functions as unknown[]) ?? []), obj(args.function).detail] });
        if (name === "withConstructor") {
          const { returnType: _returnType, ...construct } = obj(args.function).detail as Record<string, unknown>;
          return typeDef({ construct });
        }
        if (name === "withField") throw new FieldError(`the fake engine does not model TypeDef.${name}`);
        break;
      }
      case "Function": {
        const d = parent.detail ?? {};
        const fn = (detail: Record<string, unknown>): Obj => ({ type: "Function", detail: { ...d, ...detail } });
        if (name === "withDescription") return fn({ description: args.description });
        if (name === "withSourceMap" || name === "withDeprecated") return fn({});
        if (name === "withCheck") return fn({ check: true });
        if (name === "withCachePolicy")
          return fn({
            cachePolicy: { policy: args.policy, ...(args.timeToLive ? { timeToLive: args.timeToLive } : {}) },
          });
        if (name === "withArg") {
          const { name: argName, typeDef, sourceMap: _sourceMap, ...rest } = args;
          return fn({ args: [...(d.args as unknown[]), { name: argName, type: obj(typeDef).detail, ...rest }] });
        }
        break;
      }
      case "Host":
        if (name === "directory") return { type: "Directory", path: String(args.path) };
        break;
      case "CurrentModule":
        if (name === "name") return opts.moduleName ?? "charthouse";
        if (name === "source") return { type: "Directory", path: opts.moduleSource };
        break;
      case "Directory": {
        const path = parent.path && join(parent.path, String(args.path ?? "."));
        if (name === "file") return { type: "File", path };
        if (name === "directory") return { type: "Directory", path };
        if (name === "entries") {
          try {
            return readdirSync(parent.path ?? "");
          } catch {
            throw new FieldError(`lstat ${parent.path}: no such file or directory`);
          }
        }
        const tree = (change: Record<string, unknown>): Obj => ({
          type: "Directory",
          virtualFiles: parent.virtualFiles,
          detail: { ...parent.detail, ...change },
        });
        if (name === "withDirectory")
          return tree({
            trees: [
              ...((parent.detail?.trees as unknown[]) ?? []),
              { path: args.path, from: obj(args.source ?? args.directory).path },
            ],
          });
        if (name === "withNewFile")
          return tree({ files: { ...(parent.detail?.files as object), [String(args.path)]: args.contents } });
        if (name === "withFile")
          return tree({
            files: { ...(parent.detail?.files as object), [String(args.path)]: `<file ${obj(args.source).path}>` },
          });
        if (name === "withFiles") {
          const files = (args.sources as string[]).map((id) => [
            join(String(args.path), String(obj(id).detail?.name ?? basename(obj(id).path ?? "file"))),
            `<file ${obj(id).path}>`,
          ]);
          return tree({ files: { ...(parent.detail?.files as object), ...Object.fromEntries(files) } });
        }
        if (name === "withTimestamps") return tree({ timestamps: args.timestamp });
        if (name === "withoutDirectory")
          return {
            ...tree({ without: [...((parent.detail?.without as unknown[]) ?? []), args.path] }),
            path: parent.path,
          };
        if (name === "exists") {
          if (!parent.path)
            return Boolean((parent.detail?.files as Record<string, string> | undefined)?.[String(args.path)]);
          try {
            const stat = statSync(join(parent.path, String(args.path)));
            return args.expectedType === "DIRECTORY_TYPE"
              ? stat.isDirectory()
              : args.expectedType === "REGULAR_TYPE"
                ? stat.isFile()
                : true;
          } catch {
            return false;
          }
        }
        if (name === "dockerBuild") {
          const detail = {
            context: parent.path,
            dockerfile: args.dockerfile,
            target: args.target,
            platform: args.platform,
            buildArgs: args.buildArgs ?? [],
          };
          // Later queries repeat the whole chain: a build is recorded once, as an engine would run it once.
          if (!engine.effects.some((e) => e.kind === "build" && JSON.stringify(e.detail) === JSON.stringify(detail)))
            engine.effects.push({ kind: "build", detail });
          return { type: "Container", labels: {}, execs: [], detail };
        }
        break;
      }
      case "File":
        if (name === "contents") {
          try {
            if (!parent.path || !statSync(parent.path).isFile()) throw new Error();
            return readFileSync(parent.path, "utf8");
          } catch {
            throw new FieldError(`${parent.path}: no such file`);
          }
        }
        if (name === "name") return (parent.detail?.name as string | undefined) ?? basename(parent.path ?? "file");
        break;
      case "Secret":
        if (name === "plaintext") {
          const uri = String(parent.detail?.uri ?? "");
          if (!uri.startsWith("env://")) throw new FieldError(`fake engine resolves only env:// secrets, not ${uri}`);
          return process.env[uri.slice("env://".length)] ?? "";
        }
        break;
      case "Service":
        if (name === "withHostname") return { type: "Service", detail: { ...parent.detail, hostname: args.hostname } };
        if (name === "start") {
          engine.effects.push({ kind: "service-start", detail: parent.detail ?? {} });
          return idOf(parent);
        }
        if (name === "stop") return idOf(parent);
        break;
      case "Container": {
        if (name === "withLabel")
          return container(parent, { labels: { ...parent.labels, [String(args.name)]: String(args.value) } });
        if (name === "withAnnotation")
          return container(parent, {
            detail: {
              ...parent.detail,
              annotations: { ...(parent.detail?.annotations as object), [String(args.name)]: String(args.value) },
            },
          });
        if (name === "withExec") {
          const cmd = (args.args as string[]) ?? [];
          engine.effects.push({
            kind: "exec",
            detail: { args: cmd, image: parent.detail, useEntrypoint: args.useEntrypoint === true },
          });
          return container(parent, {
            execs: [...(parent.execs ?? []), cmd],
            failure: parent.failure ?? (engine.failExec(cmd) ? { cmd } : undefined),
          });
        }
        if (name === "withRegistryAuth") {
          engine.effects.push({
            kind: "registry-auth",
            detail: { address: args.address, username: args.username, secret: args.secret },
          });
          return container(parent, {});
        }
        if (name === "withServiceBinding") {
          engine.effects.push({
            kind: "service-binding",
            detail: { alias: args.alias, service: obj(args.service).detail },
          });
          return container(parent, {});
        }
        if (name === "withMountedCache") {
          const source = args.source === undefined ? undefined : obj(args.source).detail;
          engine.effects.push({
            kind: "cache",
            detail: {
              path: args.path,
              cache: obj(args.cache).detail,
              ...(source ? { source } : {}),
              ...(args.owner ? { owner: args.owner } : {}),
            },
          });
          return container(parent, {});
        }
        if (name === "withMountedDirectory") {
          const mounted = obj(args.source);
          engine.effects.push({
            kind: "mount",
            detail: {
              path: args.path,
              from: mounted.path,
              trees: mounted.detail?.trees,
              files: mounted.detail?.files,
              timestamps: mounted.detail?.timestamps,
            },
          });
          return container(parent, {
            detail: {
              ...parent.detail,
              mounts: { ...(parent.detail?.mounts as object), [String(args.path)]: mounted.path },
            },
          });
        }
        if (name === "withEnvVariable")
          return container(parent, {
            detail: { ...parent.detail, env: { ...(parent.detail?.env as object), [String(args.name)]: args.value } },
          });
        if (name === "withExposedPort")
          return container(parent, {
            detail: { ...parent.detail, ports: [...((parent.detail?.ports as unknown[]) ?? []), args.port] },
          });
        if (name === "withDockerHealthcheck") {
          const { args: check, ...options } = args;
          return container(parent, { detail: { ...parent.detail, healthcheck: { args: check, ...options } } });
        }
        if (name === "exists") return engine.imagePaths(String(args.path));
        if (name === "user") return engine.imageUser;
        // Secrets by name (variables) and path (mounts), also on the container: what a later exec in it had.
        if (name === "withSecretVariable") {
          engine.effects.push({ kind: "secret-variable", detail: { name: args.name, secret: args.secret } });
          const secrets = { ...(parent.detail?.secrets as object), [`$${String(args.name)}`]: args.secret };
          return container(parent, { detail: { ...parent.detail, secrets } });
        }
        if (name === "withMountedSecret") {
          engine.effects.push({ kind: "secret-mount", detail: { path: args.path, secret: args.source } });
          const secrets = { ...(parent.detail?.secrets as object), [String(args.path)]: args.source };
          return container(parent, { detail: { ...parent.detail, secrets } });
        }
        // The files put in a container, by path: what a later exec in it had beside it (`image.files`).
        if (name === "withFile") {
          const file = obj(args.source);
          const fileName = (file.detail?.name as string | undefined) ?? basename(file.path ?? "file");
          return container(parent, {
            detail: { ...parent.detail, files: { ...(parent.detail?.files as object), [String(args.path)]: fileName } },
          });
        }
        if (name === "asService")
          return {
            type: "Service",
            detail: {
              ...parent.detail,
              args: args.args,
              useEntrypoint: args.useEntrypoint === true,
              execs: parent.execs,
            },
          };
        if (name === "from") return container(parent, { detail: { from: args.address } });
        if (name === "file") return { type: "File", detail: { name: basename(String(args.path)) } };
        if (name === "directory")
          return {
            type: "Directory",
            virtualFiles: {},
            detail: { fromContainer: { path: args.path, image: parent.detail?.from ?? parent.detail?.target } },
          };
        if (name === "sync" || name === "stdout" || name === "exitCode") {
          if (parent.failure) {
            throw new FieldError(
              `process "${parent.failure.cmd.join(" ")}" did not complete successfully: exit code: 1`,
              {
                _type: "EXEC_ERROR",
                cmd: parent.failure.cmd,
                exitCode: 1,
                stdout: "",
                stderr: engine.failStderr,
              },
            );
          }
          const last = parent.execs?.at(-1);
          if (last) await engine.onRun(last);
          return name === "sync"
            ? idOf(parent)
            : name === "stdout"
              ? last
                ? engine.execStdout(last, (parent.detail?.mounts ?? {}) as Record<string, string>)
                : ""
              : 0;
        }
        if (name === "publish") {
          if (parent.failure)
            throw new FieldError(`process "${parent.failure.cmd.join(" ")}" did not complete successfully`, {
              _type: "EXEC_ERROR",
              cmd: parent.failure.cmd,
              exitCode: 1,
            });
          const address = String(args.address);
          const others = ((args.platformVariants as string[] | undefined) ?? []).map(obj);
          // Each platform's container: what it was built for, its labels (config) and annotations (manifest).
          const platforms = [parent, ...others].map((c) => ({
            platform: String(c.detail?.platform ?? ""),
            labels: c.labels ?? {},
            annotations: (c.detail?.annotations ?? {}) as Record<string, string>,
          }));
          engine.effects.push({
            kind: "publish",
            detail: { address, variants: others.length, labels: parent.labels, platforms },
          });
          const digest =
            (await engine.onPublish(address, parent.labels ?? {}, others.length ? platforms : [])) ||
            `sha256:${createHash("sha256")
              .update(address + JSON.stringify(parent.labels))
              .digest("hex")}`;
          return `${address}@${digest}`;
        }
        if (name.startsWith("with")) return container(parent, {});
        break;
      }
    }
    throw new FieldError(`the fake engine does not model ${parent.type}.${name}`);
  }

  const isObj = (value: unknown): value is Obj =>
    Boolean(value) && typeof value === "object" && "type" in (value as object);

  async function select(parent: Obj, set: SelectionSetNode): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    for (const selection of set.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const on = selection.typeCondition?.name.value;
        if (on && on !== parent.type) throw new FieldError(`node is a ${parent.type}, not a ${on}`);
        Object.assign(out, await select(parent, selection.selectionSet));
        continue;
      }
      const field = selection as FieldNode;
      const args = Object.fromEntries((field.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value)]));
      const value = await resolve(parent, field.name.value, args);
      const key = field.alias?.value ?? field.name.value;
      if (field.selectionSet && Array.isArray(value))
        out[key] = await Promise.all(value.map((v) => (isObj(v) ? select(v, field.selectionSet!) : v)));
      else out[key] = field.selectionSet && isObj(value) ? await select(value, field.selectionSet) : value;
    }
    return out;
  }

  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", async () => {
      if (req.headers.authorization !== `Basic ${Buffer.from(`${token}:`).toString("base64")}`) {
        res.writeHead(401).end();
        return;
      }
      const { query } = JSON.parse(body) as { query: string };
      engine.queries.push(query);
      try {
        const document = parse(query);
        const operation = document.definitions[0] as { selectionSet: SelectionSetNode };
        const data = await select({ type: "Query" }, operation.selectionSet);
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ data }));
      } catch (error) {
        const e = error as FieldError;
        res
          .writeHead(200, { "content-type": "application/json" })
          .end(JSON.stringify({ data: null, errors: [{ message: e.message, extensions: e.extensions }] }));
      }
    });
  });
  // The SDK keeps its connection alive between queries. While a test blocks this process's event
  // loop (a synchronous helm or git call), node's 5 s keep-alive timer can close that connection
  // just as the next query is sent on it ("socket hang up"): keep idle connections for the whole call.
  server.keepAliveTimeout = 10 * 60_000;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address();
  Object.assign(engine, {
    port: typeof address === "object" && address ? address.port : 0,
    stop: () => new Promise<void>((r) => server.close(() => r())),
  });
  return engine;
}
