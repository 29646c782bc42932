import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { raceSignal } from './limits.ts';
import type { Lookup, ResolvedAddress } from './types.ts';

/** The system resolver, as the CRM's own HTTP client would use it; every address, in the resolver's order. */
export const systemLookup: Lookup = async (hostname) => {
  const found = await dnsLookup(hostname, { all: true, verbatim: true });
  return found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

/**
 * Resolves a host (an IP address resolves to itself, with no lookup), bounded by `signal`. Fails with
 * the resolver's code (ENOTFOUND, EAI_AGAIN) or ENOTFOUND when it returns nothing.
 */
export async function resolveHost(host: string, lookup: Lookup, signal: AbortSignal): Promise<readonly ResolvedAddress[]> {
  const family = isIP(host);
  if (family !== 0) return [{ address: host, family: family === 6 ? 6 : 4 }];
  const addresses = await raceSignal(lookup(host), signal);
  const usable = addresses.filter((a) => isIP(a.address) !== 0);
  if (usable.length === 0) {
    const e: NodeJS.ErrnoException = new Error(`${host} has no address`);
    e.code = 'ENOTFOUND';
    throw e;
  }
  return usable;
}
