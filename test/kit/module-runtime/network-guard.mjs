// Preloaded into the module's runtime process by the harness: any connection to a
// host that is not loopback is refused and written to CHARTHOUSE_NETWORK_LOG, so a
// test can show that loading and running the module reaches nothing outside this machine.
import { appendFileSync } from "node:fs";
import net from "node:net";
import dns from "node:dns";

const log = process.env.CHARTHOUSE_NETWORK_LOG;
const loopback = (host) => host === undefined || host === "localhost" || /^127\./.test(host) || host === "::1";
const refuse = (what) => {
  if (log) appendFileSync(log, `${what}\n`);
  throw new Error(`network guard: ${what} is outside loopback`);
};
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const opts =
    typeof args[0] === "object" && args[0] !== null && !Array.isArray(args[0])
      ? args[0]
      : { port: args[0], host: typeof args[1] === "string" ? args[1] : undefined };
  if (!opts.path && !loopback(opts.host)) refuse(`connect ${opts.host}:${opts.port}`);
  return connect.apply(this, args);
};
const lookup = dns.lookup;
dns.lookup = function (host, ...rest) {
  if (!loopback(host)) refuse(`lookup ${host}`);
  return lookup.call(this, host, ...rest);
};
