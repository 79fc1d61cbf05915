// The API server's way into the node's network namespace (logs, exec, port-forward): its egress
// selector sends cluster traffic as HTTP CONNECT over a unix socket; this listens on that socket,
// inside the node's namespace, and connects to the address asked for (the kubelet at 10.0.2.100).
// Started by test/kit/cluster/node-init.sh: node egress-proxy.mjs <socket>
import { createConnection, createServer } from "node:net";
import { rmSync } from "node:fs";

const socket = process.argv[2];
rmSync(socket, { force: true });
createServer((client) => {
  let head = Buffer.alloc(0);
  const onData = (chunk) => {
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf("\r\n\r\n");
    if (end < 0) return;
    client.off("data", onData);
    const [method, target] = head.subarray(0, end).toString("latin1").split(" ");
    const at = target?.lastIndexOf(":") ?? -1;
    if (method !== "CONNECT" || at < 0) {
      client.end("HTTP/1.1 405 Method Not Allowed\r\n\r\n");
      return;
    }
    const upstream = createConnection({ host: target.slice(0, at), port: Number(target.slice(at + 1)) }, () => {
      client.write("HTTP/1.1 200 Connection established\r\n\r\n");
      const rest = head.subarray(end + 4);
      if (rest.length) upstream.write(rest);
      client.pipe(upstream).pipe(client);
    });
    upstream.on("error", (error) => {
      console.error(`egress-proxy: ${target}: ${error.message}`);
      client.destroy();
    });
    client.on("error", () => upstream.destroy());
  };
  client.on("data", onData);
}).listen(socket, () => console.log(`egress-proxy: listening on ${socket}`));
