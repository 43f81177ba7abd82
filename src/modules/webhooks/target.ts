import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from "node:dns";
import { BlockList, isIP } from "node:net";

/**
 * Addresses a webhook may not reach unless WEBHOOK_ALLOW_PRIVATE_TARGETS is on: loopback,
 * private, link-local, carrier-grade NAT, unspecified, multicast, reserved and documentation
 * ranges (IANA special-purpose registries), and IPv6 forms that embed an IPv4 address.
 */
// Two lists: a BlockList matches IPv4 addresses against IPv4-mapped IPv6 rules as well.
const NOT_PUBLIC_V4 = new BlockList();
const NOT_PUBLIC_V6 = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.88.99.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  NOT_PUBLIC_V4.addSubnet(network, prefix, "ipv4");
}
for (const [network, prefix] of [
  ["::", 127], // unspecified and loopback
  ["::ffff:0:0", 96], // IPv4-mapped
  ["64:ff9b::", 96], // NAT64 (embeds IPv4)
  ["64:ff9b:1::", 48],
  ["100::", 64], // discard
  ["2001::", 23], // IETF protocol assignments (Teredo included)
  ["2001:db8::", 32], // documentation
  ["2002::", 16], // 6to4 (embeds IPv4)
  ["fc00::", 7], // unique local
  ["fe80::", 10], // link-local
  ["fec0::", 10], // site-local (deprecated)
  ["ff00::", 8], // multicast
] as const) {
  NOT_PUBLIC_V6.addSubnet(network, prefix, "ipv6");
}

/** True for an IP address a webhook may not reach without WEBHOOK_ALLOW_PRIVATE_TARGETS. */
export function isNonPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  return family === 4 ? NOT_PUBLIC_V4.check(address, "ipv4") : NOT_PUBLIC_V6.check(address, "ipv6");
}

export interface TargetRules {
  /** Only https (production). */
  httpsOnly: boolean;
  /** Loopback, private and link-local targets allowed (WEBHOOK_ALLOW_PRIVATE_TARGETS). */
  allowPrivate: boolean;
}

/** The URL's host as an address when it is an IP literal (IPv6 without brackets), else null. */
function literalAddress(hostname: string): string | null {
  const bare = hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
  return isIP(bare) ? bare : null;
}

/**
 * Why `raw` cannot be a webhook endpoint URL, or null when it can. Names are checked again at
 * every connection, on the address actually dialled (see guardedLookup).
 */
export function endpointUrlProblem(raw: string, rules: TargetRules): string | null {
  if (raw.length > 2048) return "The URL is longer than 2048 characters";
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "Not an absolute URL";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return "The URL must be http or https";
  if (rules.httpsOnly && url.protocol !== "https:") return "The URL must be https";
  if (url.username || url.password) return "The URL may not carry credentials";
  if (url.hash) return "The URL may not have a fragment";
  if (rules.allowPrivate) return null;
  const host = url.hostname.toLowerCase().replace(/\.$/, "");
  const address = literalAddress(host);
  if (address ? isNonPublicAddress(address) : host === "localhost" || host.endsWith(".localhost") || !host.includes(".")) {
    return "The URL may not point at a loopback, private or link-local address";
  }
  return null;
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for the HTTP agents: resolves the name, drops every non-public address (unless
 * allowed) and connects only to what is left. The check is on the address the socket dials, so a
 * name that resolves elsewhere the second time (DNS rebinding) cannot reach a private address.
 */
export function guardedLookup(allowPrivate: boolean) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const usable = allowPrivate ? addresses : addresses.filter((a) => !isNonPublicAddress(a.address));
      if (usable.length === 0) {
        const refused: NodeJS.ErrnoException = new Error(`${hostname} resolves only to loopback, private or link-local addresses`);
        refused.code = "EWEBHOOKPRIVATE";
        return callback(refused, []);
      }
      if (options.all) return callback(null, usable);
      callback(null, usable[0].address, usable[0].family);
    });
  };
}
