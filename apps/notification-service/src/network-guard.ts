import type { LookupAddress } from "node:dns";
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";

/** Answers every address a host name resolves to. Injectable, so tests can play DNS rebinding. */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolver: Resolver = (hostname) => lookup(hostname, { all: true, verbatim: true });

/** Only globally routable unicast addresses count as public; an IPv4-mapped IPv6 is judged as IPv4. */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed instanceof ipaddr.IPv6 && parsed.isIPv4MappedAddress()) parsed = parsed.toIPv4Address();
  return parsed.range() === "unicast";
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
