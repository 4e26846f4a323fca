/**
 * Keeps webhooks from reaching the server's own network (SSRF): a destination must resolve only
 * to public unicast addresses, unless the operator allows private networks (a single-tenant
 * install posting to an intranet, or tests on 127.0.0.1).
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

const blocked = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) blocked.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) blocked.addSubnet(net, bits, 'ipv6');

/** True when `address` (an IP literal) is loopback, private, link-local, multicast or reserved. */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return isPrivateAddress(mapped[1]);
  const v = isIP(address);
  if (v === 0) return false;
  return blocked.check(address, v === 4 ? 'ipv4' : 'ipv6');
}

/**
 * The reason `url` must not be posted to, or undefined when every address its host resolves to is
 * public. Resolving at delivery time (not only at subscription) also catches a name that later
 * points inward.
 */
export async function privateDestination(url: string, resolve: (host: string) => Promise<string[]> = defaultResolve): Promise<string | undefined> {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  if (/^localhost$/i.test(host) || /\.localhost$/i.test(host)) return `${host} is this machine`;
  const addresses = isIP(host) ? [host] : await resolve(host).catch(() => [] as string[]);
  if (addresses.length === 0) return `${host} does not resolve`;
  const inward = addresses.find(isPrivateAddress);
  return inward ? `${host} resolves to the private address ${inward}` : undefined;
}

async function defaultResolve(host: string): Promise<string[]> {
  return (await lookup(host, { all: true })).map((a) => a.address);
}
