import { createServer, request, type IncomingMessage, type Server } from "node:http";

/** What the proxy does with one request: pass it on, answer it itself, drop it, or stall first. */
export type Fault =
  | { readonly kind: "pass" }
  | {
      readonly kind: "respond";
      readonly status: number;
      readonly headers?: Record<string, string>;
      readonly body?: string;
    }
  | { readonly kind: "drop" }
  | { readonly kind: "delay"; readonly ms: number };

export interface Recorded {
  readonly method: string;
  readonly path: string;
  /** The registry's answer, or what the proxy did instead (dropped the connection, held the request back). */
  readonly status: number | "dropped" | "delayed";
}

export interface Proxy {
  /** `127.0.0.1:PORT`: use it as the registry host. */
  readonly host: string;
  readonly recorded: Recorded[];
  /** Decides each request's fate; `n` counts requests from 1. */
  fault: (req: { method: string; path: string; n: number }) => Fault;
  /**
   * Serve tag lists in pages of `n` after `last` with a `Link` header, as the OCI
   * distribution spec (and ghcr.io) do: distribution 2.8, the registry Debian ships,
   * ignores both parameters and answers every tag at once.
   */
  paginate: boolean;
  stop(): Promise<void>;
}

/**
 * A loopback HTTP proxy in front of a registry that records every request and can
 * inject faults (429 with Retry-After, 503, dropped connections, slow answers).
 */
export async function startProxy(target: string): Promise<Proxy> {
  const [targetHost, targetPort] = target.split(":");
  let n = 0;
  const proxy: Proxy = {
    host: "",
    recorded: [],
    fault: () => ({ kind: "pass" }),
    paginate: false,
    stop: async () => {},
  };
  const server: Server = createServer((req: IncomingMessage, res) => {
    const method = req.method ?? "GET";
    const path = req.url ?? "/";
    const fault = proxy.fault({ method, path, n: ++n });
    const forward = () => {
      const url = new URL(path, "http://proxy");
      if (proxy.paginate && method === "GET" && /\/tags\/list$/.test(url.pathname) && url.searchParams.has("n")) {
        paginateTags(target, url, req, res, proxy.recorded);
        return;
      }
      const upstream = request(
        { host: targetHost, port: Number(targetPort), method, path, headers: req.headers },
        (up) => {
          proxy.recorded.push({ method, path, status: up.statusCode ?? 0 });
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      upstream.on("error", () => res.destroy());
      req.pipe(upstream);
    };
    if (fault.kind === "respond") {
      req.resume();
      proxy.recorded.push({ method, path, status: fault.status });
      res
        .writeHead(fault.status, { "content-type": "application/json", ...fault.headers })
        .end(fault.body ?? '{"errors":[{"code":"UNAVAILABLE","message":"injected"}]}');
    } else if (fault.kind === "drop") {
      proxy.recorded.push({ method, path, status: "dropped" });
      req.socket.destroy();
    } else if (fault.kind === "delay") {
      proxy.recorded.push({ method, path, status: "delayed" });
      setTimeout(forward, fault.ms);
    } else {
      forward();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  Object.assign(proxy, {
    host: `127.0.0.1:${typeof address === "object" && address ? address.port : 0}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
  return proxy;
}

/** Fetches the whole list from the registry and answers one page of it. */
function paginateTags(
  target: string,
  url: URL,
  req: IncomingMessage,
  res: import("node:http").ServerResponse,
  recorded: Recorded[],
): void {
  const n = Number(url.searchParams.get("n"));
  const last = url.searchParams.get("last");
  const [host, port] = target.split(":");
  const upstream = request(
    { host, port: Number(port), method: "GET", path: url.pathname, headers: req.headers },
    (up) => {
      let body = "";
      up.on("data", (d: Buffer) => (body += d.toString()));
      up.on("end", () => {
        recorded.push({ method: "GET", path: url.pathname + url.search, status: up.statusCode ?? 0 });
        if (up.statusCode !== 200) {
          res.writeHead(up.statusCode ?? 502, up.headers).end(body);
          return;
        }
        const all = ((JSON.parse(body) as { tags: string[] | null }).tags ?? []).sort();
        const from = last ? all.findIndex((t) => t > last) : 0;
        const page = from < 0 ? [] : all.slice(from, from + n);
        const headers: Record<string, string> = { "content-type": "application/json" };
        if (from >= 0 && from + n < all.length)
          headers.link = `<${url.pathname}?n=${n}&last=${encodeURIComponent(page.at(-1)!)}>; rel="next"`;
        res.writeHead(200, headers).end(JSON.stringify({ name: url.pathname.slice(4, -10), tags: page }));
      });
    },
  );
  upstream.on("error", () => res.destroy());
  upstream.end();
}
