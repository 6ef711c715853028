import assert from "node:assert/strict";
import { test } from "node:test";
import { isPublicAddress, resolveDestination } from "../src/network-guard.ts";
import { fixedResolver } from "./helpers.ts";

// Every form an address can take in a URL or a DNS answer, and whether a webhook may reach it.
const table: [address: string, isPublic: boolean, form: string][] = [
  ["8.8.8.8", true, "public IPv4"],
  ["93.184.216.34", true, "public IPv4"],
  ["2606:4700:4700::1111", true, "public IPv6 (2000::/3)"],
  ["[2606:4700:4700::1111]", true, "public IPv6 in URL brackets"],
  ["::ffff:8.8.8.8", true, "IPv4-mapped, public inside"],
  ["64:ff9b::8.8.8.8", true, "NAT64 well-known prefix, public inside"],
  ["127.0.0.1", false, "IPv4 loopback"],
  ["127.1", false, "IPv4 loopback, short form"],
  ["0x7f.1", false, "IPv4 loopback, hex"],
  ["017700000001", false, "IPv4 loopback, octal number"],
  ["2130706433", false, "IPv4 loopback, one number"],
  ["0.0.0.0", false, "IPv4 unspecified"],
  ["10.1.2.3", false, "RFC 1918"],
  ["172.16.0.1", false, "RFC 1918"],
  ["192.168.1.1", false, "RFC 1918"],
  ["169.254.169.254", false, "link-local (cloud metadata)"],
  ["100.64.0.1", false, "carrier-grade NAT"],
  ["192.0.0.1", false, "IETF protocol assignments"],
  ["192.0.2.1", false, "documentation"],
  ["198.18.0.1", false, "benchmarking"],
  ["224.0.0.1", false, "multicast"],
  ["240.0.0.1", false, "reserved"],
  ["255.255.255.255", false, "broadcast"],
  ["::1", false, "IPv6 loopback"],
  ["[::1]", false, "IPv6 loopback in brackets"],
  ["::", false, "IPv6 unspecified"],
  ["::ffff:127.0.0.1", false, "IPv4-mapped loopback"],
  ["::ffff:7f00:1", false, "IPv4-mapped loopback, hex tail"],
  ["::ffff:10.0.0.1", false, "IPv4-mapped private"],
  ["::127.0.0.1", false, "IPv4-compatible (deprecated) loopback"],
  ["[::127.0.0.1]", false, "IPv4-compatible loopback in brackets"],
  ["::7f00:1", false, "IPv4-compatible loopback, hex tail"],
  ["::8.8.8.8", false, "IPv4-compatible (deprecated), even with a public IPv4"],
  ["::ffff:0:8.8.8.8", false, "IPv4-translated (RFC 6145)"],
  ["64:ff9b::10.0.0.1", false, "NAT64 with a private IPv4 inside"],
  ["64:ff9b::7f00:1", false, "NAT64 with loopback inside, hex tail"],
  ["64:ff9b:1::8.8.8.8", false, "NAT64 local-use prefix (RFC 8215)"],
  ["2002:7f00:1::1", false, "6to4 (loopback inside)"],
  ["2002:808:808::1", false, "6to4 (public inside): an embedded form"],
  ["2001:0:4136:e378:8000:63bf:3fff:fdd2", false, "Teredo"],
  ["2001:db8::1", false, "documentation"],
  ["fec0::1", false, "site-local (deprecated)"],
  ["fe80::1", false, "link-local"],
  ["fe80::1%eth0", false, "link-local with a zone"],
  ["fc00::1", false, "unique local"],
  ["fd12:3456::1", false, "unique local"],
  ["ff02::1", false, "multicast"],
  ["100::1", false, "discard-only"],
  ["4000::1", false, "outside 2000::/3 (unassigned)"],
  ["localhost", false, "a name, not an address"],
  ["", false, "empty"],
  ["1.2.3.4.5", false, "not an address"],
];

for (const [address, expected, form] of table) {
  test(`isPublicAddress(${JSON.stringify(address)}) is ${expected}: ${form}`, () => {
    assert.equal(isPublicAddress(address), expected);
  });
}

test("the same rule decides at connect time: a URL or a DNS answer in an embedded form is refused", async () => {
  const policy = { allowPrivateNetworks: false, resolve: fixedResolver("::ffff:0:0") };
  await assert.rejects(
    resolveDestination(new URL("http://[::127.0.0.1]:8080/hook"), policy),
    /::7f00:1.*private, loopback or link-local/,
  );
  await assert.rejects(
    resolveDestination(new URL("http://hooks.example.test/"), {
      allowPrivateNetworks: false,
      resolve: fixedResolver("93.184.216.34", "64:ff9b::a00:1"),
    }),
    /64:ff9b::a00:1/,
  );
  const ok = await resolveDestination(new URL("http://hooks.example.test/"), {
    allowPrivateNetworks: false,
    resolve: fixedResolver("93.184.216.34"),
  });
  assert.deepEqual(
    ok.map((a) => a.address),
    ["93.184.216.34"],
  );
});
