import { BlockList, isIP } from 'node:net';
import { KbError } from '../engine/errors.ts';
import { normalizeHost } from '../facts/hostname.ts';
import { errorMessageOf, stepSignal } from './limits.ts';
import { resolveHost, systemLookup } from './resolve.ts';
import { parseTarget } from './target-url.ts';
import type { Lookup } from './types.ts';

/** Why an address may not be probed from a server: it reaches the server's own machine or network. */
export type AddressClass = 'public' | 'unspecified' | 'loopback' | 'private' | 'link-local' | 'multicast' | 'reserved';

const ranges: readonly (readonly [Exclude<AddressClass, 'public'>, string, number, 'ipv4' | 'ipv6'])[] = [
  ['unspecified', '0.0.0.0', 8, 'ipv4'],
  ['loopback', '127.0.0.0', 8, 'ipv4'],
  ['private', '10.0.0.0', 8, 'ipv4'],
  ['private', '172.16.0.0', 12, 'ipv4'],
  ['private', '192.168.0.0', 16, 'ipv4'],
  ['private', '100.64.0.0', 10, 'ipv4'], // shared address space (carrier-grade NAT)
  ['link-local', '169.254.0.0', 16, 'ipv4'],
  ['multicast', '224.0.0.0', 4, 'ipv4'],
  ['reserved', '240.0.0.0', 4, 'ipv4'], // includes 255.255.255.255
  ['reserved', '192.0.0.0', 24, 'ipv4'],
  ['reserved', '192.0.2.0', 24, 'ipv4'],
  ['reserved', '198.18.0.0', 15, 'ipv4'],
  ['reserved', '198.51.100.0', 24, 'ipv4'],
  ['reserved', '203.0.113.0', 24, 'ipv4'],
  ['unspecified', '::', 128, 'ipv6'],
  ['loopback', '::1', 128, 'ipv6'],
  ['private', 'fc00::', 7, 'ipv6'],
  ['private', 'fec0::', 10, 'ipv6'], // deprecated site-local
  ['link-local', 'fe80::', 10, 'ipv6'],
  ['multicast', 'ff00::', 8, 'ipv6'],
  ['reserved', '100::', 64, 'ipv6'],
  ['reserved', '2001:db8::', 32, 'ipv6'],
];

const lists = new Map<Exclude<AddressClass, 'public'>, BlockList>();
for (const [cls, net, prefix, type] of ranges) {
  const list = lists.get(cls) ?? new BlockList();
  list.addSubnet(net, prefix, type);
  lists.set(cls, list);
}

/** The eight 16-bit groups of an IPv6 address (with an embedded dotted IPv4 tail), or null. */
function ipv6Groups(address: string): number[] | null {
  let a = address.replace(/%.*$/, '').toLowerCase();
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (v4) {
    const o = v4[1]!.split('.').map(Number);
    a = `${a.slice(0, -v4[1]!.length)}${((o[0]! << 8) | o[1]!).toString(16)}:${((o[2]! << 8) | o[3]!).toString(16)}`;
  }
  const [head, tail, extra] = a.split('::');
  if (extra !== undefined) return null;
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const missing = 8 - h.length - t.length;
  if (tail === undefined ? missing !== 0 : missing < 1) return null;
  const groups = [...h, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...t].map((g) => Number.parseInt(g, 16));
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
}

/** The IPv4 address an IPv6 address carries (mapped ::ffff:0:0/96, compatible ::/96, NAT64 64:ff9b::/96, 6to4 2002::/16). */
function embeddedIpv4(address: string): string | null {
  const g = ipv6Groups(address);
  if (!g) return null;
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  const zeros = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (zeros(5) && g[5] === 0xffff) return v4(g[6]!, g[7]!);
  if (zeros(6) && (g[6]! !== 0 || g[7]! > 1)) return v4(g[6]!, g[7]!);
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return v4(g[6]!, g[7]!);
  if (g[0] === 0x2002) return v4(g[1]!, g[2]!);
  return null;
}

/** The class of an IP address; IPv6 addresses that carry an IPv4 address are judged by it. */
export function classifyAddress(address: string): AddressClass {
  const family = isIP(address.replace(/%.*$/, ''));
  if (family === 0) return 'reserved';
  const plain = address.replace(/%.*$/, '');
  if (family === 6) {
    const inner = embeddedIpv4(plain);
    if (inner) return classifyAddress(inner);
  }
  const type = family === 6 ? 'ipv6' : 'ipv4';
  for (const [cls, list] of lists) if (list.check(plain, type)) return cls;
  return 'public';
}

/** An allowlist compiled once: host names (exact), IP addresses and CIDR ranges. */
export interface Allowlist {
  readonly hosts: ReadonlySet<string>;
  readonly addresses: BlockList;
}

/** Compiles allowlist entries; an entry that is none of host, IP or CIDR is a PROBE_FAILED error naming it. */
export function compileAllowlist(entries: readonly string[] = []): Allowlist {
  const hosts = new Set<string>();
  const addresses = new BlockList();
  for (const raw of entries) {
    const entry = String(raw).trim();
    const cidr = /^(.+)\/(\d{1,3})$/.exec(entry);
    const ip = cidr ? cidr[1]! : entry;
    const family = isIP(ip);
    if (family !== 0) {
      const prefix = cidr ? Number(cidr[2]) : family === 4 ? 32 : 128;
      if (prefix > (family === 4 ? 32 : 128)) throw new KbError('PROBE_FAILED', `Allowlist entry "${entry}": the prefix is longer than the address.`, { field: 'allowlist' });
      addresses.addSubnet(ip, prefix, family === 4 ? 'ipv4' : 'ipv6');
      continue;
    }
    const host = /^[\p{L}\p{N}.-]+$/u.test(entry) ? normalizeHost(entry) : null;
    if (cidr || !host || !/^[a-z0-9.-]+$/.test(host)) throw new KbError('PROBE_FAILED', `Allowlist entry "${entry}" is not a host name, an IP address or a CIDR range.`, { field: 'allowlist' });
    hosts.add(host);
  }
  return { hosts, addresses };
}

export interface Refusal {
  readonly reason: Exclude<AddressClass, 'public'>;
  readonly address: string;
}

/** The first address the policy refuses, or null when the host may be probed at all its addresses. */
export function refusalFor(host: string, addresses: readonly string[], allowlist: Allowlist): Refusal | null {
  if (allowlist.hosts.has(normalizeHost(host) ?? host)) return null;
  for (const address of addresses) {
    const reason = classifyAddress(address);
    if (reason === 'public') continue;
    const plain = address.replace(/%.*$/, '');
    const inner = isIP(plain) === 6 ? embeddedIpv4(plain) : null;
    const listed = allowlist.addresses.check(plain, isIP(plain) === 6 ? 'ipv6' : 'ipv4') || (inner !== null && allowlist.addresses.check(inner, 'ipv4'));
    if (!listed) return { reason, address };
  }
  return null;
}

export interface TargetVerdict {
  readonly allowed: boolean;
  /** The URL's host, when the URL could be read. */
  readonly host?: string;
  /** The addresses the host resolved to (empty when it did not resolve: the probe then reports that itself). */
  readonly addresses: readonly string[];
  /** Why the target is refused. */
  readonly reason?: 'invalid-url' | Exclude<AddressClass, 'public'>;
  /** The refused address. */
  readonly address?: string;
  readonly message?: string;
}

export interface TargetCheckOptions {
  /** Host names, IP addresses and CIDR ranges that may be probed although they are not public. */
  readonly allowlist?: readonly string[];
  readonly lookup?: Lookup;
  /** Bound on the DNS lookup, ms (default 5 000). */
  readonly timeoutMs?: number;
}

/**
 * Decides whether a server may probe `url` for a caller: the URL must be http(s), and after DNS
 * resolution none of its addresses may be loopback, private, link-local or otherwise non-public
 * unless the allowlist names the host or the address. A host that does not resolve is allowed (the
 * probe will report ENOTFOUND). The check and the probe resolve separately, so a server must also run
 * the probe with `restrictTargets` (same allowlist): the probe re-checks every address it connects to,
 * which closes the gap a DNS answer that changes between the two would open.
 */
export async function checkProbeTarget(url: string, options: TargetCheckOptions = {}): Promise<TargetVerdict> {
  const allowlist = compileAllowlist(options.allowlist);
  let host: string;
  try {
    host = parseTarget(url).host;
  } catch (e) {
    return { allowed: false, addresses: [], reason: 'invalid-url', message: errorMessageOf(e) };
  }
  const { signal, dispose } = stepSignal(`Resolving ${host}`, options.timeoutMs ?? 5_000);
  let addresses: readonly string[];
  try {
    addresses = (await resolveHost(host, options.lookup ?? systemLookup, signal)).map((a) => a.address);
  } catch {
    return { allowed: true, host, addresses: [] };
  } finally {
    dispose();
  }
  const refusal = refusalFor(host, addresses, allowlist);
  if (!refusal) return { allowed: true, host, addresses };
  return { allowed: false, host, addresses, reason: refusal.reason, address: refusal.address, message: `${host} resolves to ${refusal.address}, a ${refusal.reason} address; probing it is not allowed here.` };
}
