import { createSign, randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execTool } from "./exec-tool.js";

/** Who may do what: per user, a password and the actions granted on a repository name. */
export interface TokenUser {
  readonly password: string;
  readonly grants: (repository: string) => readonly ("pull" | "push")[];
}

export interface TokenServer {
  readonly realm: string;
  readonly service: string;
  readonly issuer: string;
  readonly certFile: string;
  /** Every scope asked for, with the user that asked (never the password). */
  readonly requests: { account?: string; scopes: string[]; status: number }[];
  stop(): Promise<void>;
}

/**
 * A token service as ghcr.io runs one: Basic-authenticated GET /token?service&scope,
 * answering a JWT signed with a key whose self-signed certificate the registry trusts
 * (`rootcertbundle`), granting per repository only what the user may do.
 */
export async function startTokenServer(users: Readonly<Record<string, TokenUser>>): Promise<TokenServer> {
  const dir = mkdtempSync(join(tmpdir(), "charthouse-token-"));
  const keyFile = join(dir, "key.pem");
  const certFile = join(dir, "cert.pem");
  await execTool("openssl", [
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    keyFile,
    "-out",
    certFile,
    "-subj",
    "/CN=charthouse-test-token",
    "-days",
    "2",
  ]);
  const key = readFileSync(keyFile, "utf8");
  const certDer = readFileSync(certFile, "utf8")
    .replace(/-----[^-]+-----/g, "")
    .replace(/\s+/g, "");
  const service = "charthouse-test-registry";
  const issuer = "charthouse-test-issuer";
  const requests: TokenServer["requests"] = [];

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const scopes = url.searchParams.getAll("scope");
    let account: string | undefined;
    const header = req.headers.authorization;
    if (header?.startsWith("Basic ")) {
      const [user, ...rest] = Buffer.from(header.slice(6), "base64").toString("utf8").split(":");
      if (users[user!]?.password !== rest.join(":")) {
        requests.push({ account: user, scopes, status: 401 });
        res.writeHead(401, { "content-type": "application/json" }).end(JSON.stringify({ details: "bad credentials" }));
        return;
      }
      account = user;
    }
    const access = scopes.flatMap((scope) => {
      const [type, name, actions] = scope.split(":");
      if (type !== "repository" || !name) return [];
      const allowed = account ? users[account]!.grants(name) : [];
      const granted = (actions ?? "").split(",").filter((a) => allowed.includes(a as "pull" | "push"));
      return [{ type, name, actions: granted }];
    });
    const now = Math.floor(Date.now() / 1000);
    const token = sign(
      { typ: "JWT", alg: "RS256", x5c: [certDer] },
      {
        iss: issuer,
        sub: account ?? "",
        aud: service,
        exp: now + 300,
        nbf: now - 10,
        iat: now,
        jti: randomUUID(),
        access,
      },
      key,
    );
    requests.push({ account, scopes, status: 200 });
    res
      .writeHead(200, { "content-type": "application/json" })
      .end(JSON.stringify({ token, access_token: token, expires_in: 300 }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    realm: `http://127.0.0.1:${port}/token`,
    service,
    issuer,
    certFile,
    requests,
    async stop() {
      await new Promise((resolve) => server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function sign(header: object, claims: object, key: string): string {
  const encode = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const input = `${encode(header)}.${encode(claims)}`;
  const signature = createSign("RSA-SHA256").update(input).sign(key).toString("base64url");
  return `${input}.${signature}`;
}
