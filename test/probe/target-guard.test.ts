import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KbError } from '../../src/index.ts';
import { checkProbeTarget, classifyAddress, type Lookup, probe } from '../../src/probe/index.ts';
import { ewsEndpoint } from './_ews.ts';
import { createPki, host, type TestPki } from './_pki.ts';
import { httpsServer, loopbackLookup, type TestServer } from './_servers.ts';

/** A resolver that answers from a table; nothing goes to a real DNS server. */
function table(entries: Record<string, string[]>): Lookup & { asked: string[] } {
  const asked: string[] = [];
  const lookup = async (name: string) => {
    asked.push(name);
    const found = entries[name];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
    return found.map((address) => ({ address, family: (address.includes(':') ? 6 : 4) as 4 | 6 }));
  };
  return Object.assign(lookup, { asked });
}

describe('classifyAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['fd00::1', 'private'],
    ['fc12:3456::1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['192.0.2.10', 'reserved'],
    ['2001:db8::1', 'reserved'],
    // IPv6 forms that carry an IPv4 address are judged by it.
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['2002:c0a8:0101::1', 'private'],
    ['::127.0.0.1', 'loopback'],
    // Public.
    ['8.8.8.8', 'public'],
    ['172.32.0.1', 'public'],
    ['100.128.0.1', 'public'],
    ['2606:4700::6810:84e5', 'public'],
    ['::ffff:8.8.8.8', 'public'],
    ['not an ip', 'reserved'],
  ])('%s → %s', (address, cls) => {
    expect(classifyAddress(address)).toBe(cls);
  });
});

describe('checkProbeTarget', () => {
  it('allows a host with only public addresses', async () => {
    const lookup = table({ 'mail.example.com': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'] });
    expect(await checkProbeTarget('https://mail.example.com/EWS/Exchange.asmx', { lookup })).toEqual({ allowed: true, host: 'mail.example.com', addresses: ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'] });
  });

  it.each([
    ['loopback by name', 'https://localhost/EWS/Exchange.asmx', { localhost: ['127.0.0.1'] }, 'loopback', '127.0.0.1'],
    ['loopback literal', 'https://127.0.0.1/EWS/Exchange.asmx', {}, 'loopback', '127.0.0.1'],
    ['private', 'https://intranet.example.com/EWS/Exchange.asmx', { 'intranet.example.com': ['10.0.0.5'] }, 'private', '10.0.0.5'],
    ['cloud metadata', 'http://metadata.example.com/latest/meta-data/', { 'metadata.example.com': ['169.254.169.254'] }, 'link-local', '169.254.169.254'],
    ['one private address among public ones', 'https://mixed.example.com/', { 'mixed.example.com': ['93.184.215.14', '192.168.0.10'] }, 'private', '192.168.0.10'],
    ['IPv6 loopback', 'https://six.example.com/', { 'six.example.com': ['::1'] }, 'loopback', '::1'],
    ['IPv4-mapped loopback', 'https://mapped.example.com/', { 'mapped.example.com': ['::ffff:127.0.0.1'] }, 'loopback', '::ffff:127.0.0.1'],
    ['unspecified', 'https://zero.example.com/', { 'zero.example.com': ['0.0.0.0'] }, 'unspecified', '0.0.0.0'],
  ])('refuses %s', async (_label, url, entries, reason, address) => {
    const verdict = await checkProbeTarget(url, { lookup: table(entries) });
    expect(verdict).toMatchObject({ allowed: false, reason, address });
    expect(verdict.message).toContain(address);
  });

  it('reads IPv6 literal URLs: loopback, private and mapped addresses are refused, a public one and an allowlisted one allowed', async () => {
    expect(await checkProbeTarget('https://[::1]:8443/EWS/Exchange.asmx')).toMatchObject({ allowed: false, host: '::1', reason: 'loopback', address: '::1' });
    expect(await checkProbeTarget('https://[fd00::5]/EWS/Exchange.asmx')).toMatchObject({ allowed: false, reason: 'private' });
    expect(await checkProbeTarget('https://[::ffff:127.0.0.1]/')).toMatchObject({ allowed: false, host: '::ffff:7f00:1', reason: 'loopback' });
    expect(await checkProbeTarget('https://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/EWS/Exchange.asmx')).toMatchObject({ allowed: true, addresses: ['2606:2800:21f:cb07:6820:80da:af6b:8b2c'] });
    expect(await checkProbeTarget('https://[::1]/', { allowlist: ['::1'] })).toMatchObject({ allowed: true });
  });

  it('refuses what is not an http(s) URL', async () => {
    expect(await checkProbeTarget('file:///etc/passwd')).toMatchObject({ allowed: false, reason: 'invalid-url' });
    expect(await checkProbeTarget('gopher://127.0.0.1:25/')).toMatchObject({ allowed: false, reason: 'invalid-url' });
  });

  it.each([
    ['an IP', ['10.0.0.5']],
    ['a CIDR range', ['10.0.0.0/8']],
    ['the host name', ['INTRANET.example.com.']],
    ['an IPv6 range for a mapped address', ['::ffff:10.0.0.0/104']],
  ])('the allowlist permits a private target by %s', async (_label, allowlist) => {
    const lookup = table({ 'intranet.example.com': ['10.0.0.5'] });
    expect(await checkProbeTarget('https://intranet.example.com/EWS/Exchange.asmx', { lookup, allowlist })).toMatchObject({ allowed: true });
  });

  it('an allowlist entry for another range does not help', async () => {
    const lookup = table({ 'intranet.example.com': ['10.0.0.5'] });
    expect(await checkProbeTarget('https://intranet.example.com/', { lookup, allowlist: ['192.168.0.0/16', 'other.example.com'] })).toMatchObject({ allowed: false, reason: 'private' });
  });

  it('a host that does not resolve is allowed (the probe reports ENOTFOUND itself)', async () => {
    expect(await checkProbeTarget('https://nowhere.example.com/', { lookup: table({}) })).toEqual({ allowed: true, host: 'nowhere.example.com', addresses: [] });
  });

  it('a lookup that hangs is bounded', async () => {
    const t0 = performance.now();
    expect(await checkProbeTarget('https://slow.example.com/', { lookup: () => new Promise(() => {}), timeoutMs: 100 })).toMatchObject({ allowed: true, addresses: [] });
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it.each([['10.0.0.0/33'], ['not a host!'], ['1.2.3.4/abc'], ['']])('an invalid allowlist entry %j is a PROBE_FAILED error', async (entry) => {
    await expect(checkProbeTarget('https://mail.example.com/', { lookup: table({}), allowlist: [entry] })).rejects.toMatchObject({ code: 'PROBE_FAILED', field: 'allowlist' });
  });
});

describe('probe with restrictTargets (what a server runs after checkProbeTarget)', () => {
  let pki: TestPki;
  let server: TestServer;
  beforeAll(async () => {
    pki = await createPki();
    server = await httpsServer(pki.right, ewsEndpoint({ challenges: ['NTLM'] }).handler);
  });
  afterAll(() => server.close());

  it('refuses a host that resolves to loopback at probe time (a DNS answer that changed after the check)', async () => {
    const error = await probe(server.url(), { ca: pki.rootPem, lookup: loopbackLookup(), restrictTargets: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KbError);
    expect(error).toMatchObject({ code: 'PROBE_FAILED', field: 'url' });
    expect(server.requests).toHaveLength(0);
  });

  it('probes it when the allowlist names the address or the host', async () => {
    for (const allowlist of [['127.0.0.0/8'], [host]]) {
      const r = await probe(server.url(), { ca: pki.rootPem, lookup: loopbackLookup(), restrictTargets: { allowlist } });
      expect(r.facts).toMatchObject({ httpStatus: 401, certTrusted: true });
    }
  });
});
