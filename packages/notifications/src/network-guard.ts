import type { LookupAddress } from "node:dns";
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";

/** Answers every address a host name resolves to. Injectable, so tests can play DNS rebinding. */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolver: Resolver = (hostname) => lookup(hostname, { all: true, verbatim: true });

const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR("2000::/3");
const NAT64_WELL_KNOWN = ipaddr.parseCIDR("64:ff9b::/96");

/**
 * The one rule for whether an outbound connection may go to an address (used when a webhook or
 * push subscription is created and again at connect time). Public means globally routable
 * unicast: IPv4 outside every special-purpose range (RFC 6890: private, loopback, link-local,
 * CGNAT, documentation, benchmarking, reserved, ...); IPv6 inside 2000::/3 (RFC 4291) and outside
 * its special ranges (6to4 2002::/16, Teredo 2001::/32, documentation, ORCHID, ...). An address
 * that carries an IPv4 inside is judged by that IPv4 only for the two forms that reach it
 * unchanged, IPv4-mapped `::ffff:a.b.c.d` and NAT64's well-known prefix `64:ff9b::/96`
 * (RFC 6052); the deprecated IPv4-compatible `::a.b.c.d` (RFC 4291 §2.5.5.1) and site-local
 * `fec0::/10` (RFC 3879) are never public. Input is an address literal in any form a URL may
 * carry it (dotted, hex, octal or one-number IPv4; IPv6 with or without brackets, with dotted
 * tails), first put in the WHATWG URL parser's canonical form, which is the form a connection
 * uses (ipaddr.js alone reads `::a.b.c.d` as IPv4-mapped); anything else is not public.
 */
export function isPublicAddress(address: string): boolean {
  const canonical = canonicalAddress(address);
  if (canonical === null) return false;
  const parsed = ipaddr.parse(canonical);
  if (parsed instanceof ipaddr.IPv4) return parsed.range() === "unicast";
  if (parsed.isIPv4MappedAddress()) return isPublicAddress(parsed.toIPv4Address().toString());
  if (parsed.match(NAT64_WELL_KNOWN)) {
    const bytes = parsed.toByteArray().slice(12);
    return isPublicAddress(bytes.join("."));
  }
  return parsed.match(GLOBAL_UNICAST_V6) && parsed.range() === "unicast";
}

/** The address as the URL parser writes a host (`::a.b.c.d` → `::XXXX:XXXX`), or null if none. */
function canonicalAddress(address: string): string | null {
  const literal = address.includes(":") && !address.startsWith("[") ? `[${address}]` : address;
  let host: string;
  try {
    host = new URL(`http://${literal}/`).hostname;
  } catch {
    return null;
  }
  const bare = host.replace(/^\[(.*)\]$/, "$1");
  return isIP(bare) === 0 ? null : bare;
}

export class BlockedDestinationError extends Error {
  override name = "BlockedDestinationError";
}

export interface NetworkPolicy {
  allowPrivateNetworks: boolean;
  resolve: Resolver;
}

/** URL.hostname keeps IPv6 literals in brackets. */
export const bareHost = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, "$1");

/**
 * The addresses to connect to for a URL: all of them must be public unless private networks are
 * allowed, since a resolver may hand out any of them (and an attacker controls the DNS answer).
 */
export async function resolveDestination(url: URL, policy: NetworkPolicy): Promise<LookupAddress[]> {
  const host = bareHost(url);
  const family = isIP(host);
  const addresses = family !== 0 ? [{ address: host, family }] : await policy.resolve(host);
  if (addresses.length === 0) throw new Error(`${host} does not resolve`);
  if (!policy.allowPrivateNetworks) {
    const blocked = addresses.find((a) => !isPublicAddress(a.address));
    if (blocked) {
      throw new BlockedDestinationError(
        `${host} resolves to ${blocked.address}, a private, loopback or link-local address`,
      );
    }
  }
  return addresses;
}
