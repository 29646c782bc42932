import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKnowledgeBase } from '../../src/engine/knowledge-base.ts';
import type { DiagnoseResult } from '../../src/index.ts';
import type { Lookup } from '../../src/probe/index.ts';
import { ewsEndpoint, user } from '../probe/_ews.ts';
import { createPki, host } from '../probe/_pki.ts';
import { httpServer, httpsServer, loopbackLookup, serverFixture, tcpServer } from '../probe/_servers.ts';
import { errorOf, startTestServer, type TestServer } from './helpers.ts';

/**
 * POST /v1/probe: the live test from the page, against the real HTTPS fixtures on 127.0.0.1. The
 * fixtures are reached only through a test-only allowlist naming their host; every other non-public
 * address form is refused.
 */
const fixture = serverFixture(createPki);
const kb = loadKnowledgeBase();
const password = user.password;

/** A resolver that answers from a table; nothing goes to a real DNS server. */
function table(entries: Record<string, string[]>): Lookup {
  return async (name: string) => {
    const found = entries[name];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
    return found.map((address) => ({ address, family: (address.includes(':') ? 6 : 4) as 4 | 6 }));
  };
}

class Collect extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.text += chunk.toString('utf8');
    done();
  }
}

let api: TestServer;
let guarded: TestServer;
const log = new Collect();

beforeAll(async () => {
  api = await startTestServer({
    kb,
    limits: { allowProbe: true, probeRateLimitMax: 100 },
    logger: { level: 'info', stream: log },
    probe: { allowlist: [host], ca: fixture.pki.rootPem, lookup: loopbackLookup([host]), bounds: { stepTimeoutMs: 1500, timeoutMs: 5000 } },
  });
  // As deployed: no allowlist. A table resolver stands in for DNS; no probe here ever connects anywhere.
  guarded = await startTestServer({
    kb,
    limits: { allowProbe: true, probeRateLimitMax: 1000 },
    probe: {
      lookup: table({
        localhost: ['127.0.0.1'],
        'six.example.com': ['::1'],
        'mapped.example.com': ['::ffff:127.0.0.1'],
        'intranet.example.com': ['10.0.0.5'],
        'office.example.com': ['192.168.1.20'],
        'dmz.example.com': ['172.16.4.4'],
        'cgnat.example.com': ['100.64.0.9'],
        'metadata.example.com': ['169.254.169.254'],
        'linklocal6.example.com': ['fe80::1'],
        'ula.example.com': ['fd00::5'],
        'zero.example.com': ['0.0.0.0'],
        'multicast.example.com': ['224.0.0.1'],
        'mixed.example.com': ['93.184.215.14', '192.168.0.10'],
        'nat64.example.com': ['64:ff9b::a9fe:a9fe'],
      }),
    },
  });
}, 60_000);
afterAll(async () => {
  await api?.close();
  await guarded?.close();
});

const run = (server: TestServer, body: unknown, headers: Record<string, string> = {}) => server.post('/v1/probe', body, headers);

describe('the live test against a real EWS endpoint on 127.0.0.1', () => {
  it('answers every step with its result and the observed facts; the password is never sent back or logged', async () => {
    const ews = await fixture.keep(httpsServer(fixture.pki.right, ewsEndpoint({ challenges: ['NTLM', 'Negotiate'] }).handler));
    const before = log.text.length;
    const res = await run(api, { url: ews.url(), email: user.email, username: `${user.domain}\\${user.name}`, password, lang: 'de' });
    expect(res.status).toBe(200);
    const text = await res.text();
    const body = JSON.parse(text) as { steps: { step: string; status: string; summary: string }[]; facts: Record<string, unknown> };
    expect(body.steps.map((s) => s.step)).toEqual(['url', 'dns', 'tcp', 'tls', 'http', 'ews', 'send']);
    expect(body.steps.map((s) => s.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'skipped']);
    expect(body.steps[3]!.summary).toMatch(/^Zertifikat für mail\.example\.test/);
    expect(body.facts).toMatchObject({ dnsResolves: true, tcpReachable: true, certTrusted: true, httpStatus: 401, ewsSignIn: 'ok' });
    expect(text).not.toContain(password);
    const written = log.text.slice(before);
    expect(written).toContain('"probed"');
    expect(written).not.toContain(password);
    expect(written).not.toContain(user.email);
    expect(written).not.toContain('mail.example.test');
  });

  it('the observed facts join the case and beat what a person gave', async () => {
    const ews = await fixture.keep(httpsServer(fixture.pki.right, ewsEndpoint({ challenges: ['NTLM'] }).handler));
    const observed = ((await (await run(api, { url: ews.url() })).json()) as { facts: Record<string, unknown> }).facts;
    const result = (await (await api.post('/v1/diagnose', { message: 'Nicht autorisiert', facts: { tcpReachable: false }, observed, lang: 'de' })).json()) as DiagnoseResult;
    expect(result.facts['tcpReachable']).toBe(true);
    expect(result.warnings).toContainEqual(expect.objectContaining({ code: 'FACT_CONFLICT', field: 'observed.tcpReachable' }));
  });

  it('follows no redirect to another host: neither to a metadata address nor to another server on 127.0.0.1', async () => {
    const other = await fixture.keep(httpServer((_req, res) => void res.end('should never be asked')));
    for (const location of ['http://169.254.169.254/latest/meta-data/', `http://127.0.0.1:${other.port}/EWS/Exchange.asmx`, `https://localhost:${other.port}/`]) {
      const redirecting = await fixture.keep(
        httpsServer(fixture.pki.right, (_req, res) => {
          res.statusCode = 302;
          res.setHeader('Location', location);
          res.end();
        }),
      );
      const body = (await (await run(api, { url: redirecting.url() })).json()) as { facts: Record<string, unknown>; steps: { step: string; details: { hops?: { note?: string }[] } }[] };
      expect(body.facts).toMatchObject({ httpStatus: 302, redirectLocation: location });
      const hops = body.steps.find((s) => s.step === 'http')!.details.hops!;
      expect(hops).toHaveLength(1);
      expect(hops[0]!.note).toMatch(/not followed/);
    }
    expect(other.requests).toHaveLength(0);
  });

  it('a server that accepts and never answers is bounded by the step limit', async () => {
    const silent = await fixture.keep(tcpServer(() => {}));
    const t0 = performance.now();
    const res = await run(api, { url: `https://${host}:${silent.port}/EWS/Exchange.asmx` });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { steps: { step: string; status: string; errorCode?: string }[] };
    expect(body.steps.find((s) => s.step === 'tls')).toMatchObject({ status: 'failed', errorCode: 'ETIMEDOUT' });
    expect(performance.now() - t0).toBeLessThan(4000);
  });

  it('a server that sends an endless body is read up to the byte limit', async () => {
    const endless = await fixture.keep(
      httpsServer(fixture.pki.right, (_req, res) => {
        res.statusCode = 200;
        res.setHeader('Content-Type', 'text/html');
        const chunk = Buffer.alloc(64 * 1024, 'a');
        const pump = () => {
          while (res.write(chunk)) {
            if (res.destroyed) return;
          }
          res.once('drain', pump);
        };
        pump();
      }),
    );
    const body = (await (await run(api, { url: endless.url() })).json()) as { steps: { step: string; details: { bodyBytes?: number; truncated?: boolean } }[] };
    const http = body.steps.find((s) => s.step === 'http')!.details;
    expect(http.truncated).toBe(true);
    expect(http.bodyBytes).toBeLessThanOrEqual(256 * 1024);
  });
});

describe('refusals: the target guard after DNS', () => {
  it.each([
    ['loopback by name', 'https://localhost/EWS/Exchange.asmx', 'loopback'],
    ['loopback literal', 'https://127.0.0.1/EWS/Exchange.asmx', 'loopback'],
    ['loopback, another address of 127/8', 'http://127.1.2.3:8080/', 'loopback'],
    ['loopback as one decimal number', 'http://2130706433/', 'loopback'],
    ['loopback in hex', 'http://0x7f000001/', 'loopback'],
    ['loopback in octal', 'http://0177.0.0.1/', 'loopback'],
    ['IPv6 loopback literal', 'https://[::1]/EWS/Exchange.asmx', 'loopback'],
    ['IPv6 loopback by name', 'https://six.example.com/', 'loopback'],
    ['IPv4-mapped IPv6 loopback literal', 'https://[::ffff:127.0.0.1]/', 'loopback'],
    ['IPv4-mapped IPv6 loopback by name', 'https://mapped.example.com/', 'loopback'],
    ['private 10/8', 'https://intranet.example.com/EWS/Exchange.asmx', 'private'],
    ['private 192.168/16', 'https://office.example.com/', 'private'],
    ['private 172.16/12', 'https://dmz.example.com/', 'private'],
    ['private literal', 'https://10.1.2.3/EWS/Exchange.asmx', 'private'],
    ['shared address space 100.64/10', 'https://cgnat.example.com/', 'private'],
    ['cloud metadata by name', 'http://metadata.example.com/latest/meta-data/', 'link-local'],
    ['cloud metadata literal', 'http://169.254.169.254/latest/meta-data/', 'link-local'],
    ['metadata through NAT64', 'https://nat64.example.com/', 'link-local'],
    ['IPv6 link-local', 'https://linklocal6.example.com/', 'link-local'],
    ['IPv6 link-local literal', 'https://[fe80::1]/', 'link-local'],
    ['IPv6 unique local', 'https://ula.example.com/', 'private'],
    ['unspecified', 'https://zero.example.com/', 'unspecified'],
    ['unspecified literal', 'http://0.0.0.0:3000/', 'unspecified'],
    ['multicast', 'https://multicast.example.com/', 'multicast'],
    ['one private address among public ones', 'https://mixed.example.com/', 'private'],
  ])('%s (%s) is 403 PROBE_TARGET_REFUSED', async (_label, url, reason) => {
    const res = await run(guarded, { url, password });
    expect(res.status).toBe(403);
    const error = await errorOf(res);
    expect(error).toMatchObject({ code: 'PROBE_TARGET_REFUSED', field: 'url' });
    expect(error.message).toContain(`a ${reason} address`);
    expect(error.message).not.toContain(password);
  });

  it('a DNS answer that turns to loopback between the check and the probe is refused before any connection', async () => {
    const ews = await fixture.keep(httpsServer(fixture.pki.right, ewsEndpoint({ challenges: ['NTLM'] }).handler));
    let calls = 0;
    // First answer public (the check passes), then 127.0.0.1 (the probe's own lookup): the probe's guard refuses.
    const rebinding: Lookup = async () => (calls++ === 0 ? [{ address: '93.184.215.14', family: 4 }] : [{ address: '127.0.0.1', family: 4 }]);
    const server = await startTestServer({ kb, limits: { allowProbe: true }, probe: { lookup: rebinding, ca: fixture.pki.rootPem } });
    try {
      const res = await run(server, { url: ews.url() });
      expect(res.status).toBe(403);
      expect(await errorOf(res)).toMatchObject({ code: 'PROBE_TARGET_REFUSED', field: 'url' });
      expect(calls).toBe(2);
      expect(ews.requests).toHaveLength(0);
    } finally {
      await server.close();
    }
  });
});

describe('the route and its input', () => {
  it('does not exist unless the server allows the live test; readyz says which', async () => {
    const off = await startTestServer({ kb });
    try {
      const res = await run(off, { url: 'https://mail.example.com/EWS/Exchange.asmx' });
      expect(res.status).toBe(404);
      expect(await errorOf(res)).toMatchObject({ code: 'ROUTE_NOT_FOUND' });
      expect(((await (await off.get('/readyz')).json()) as { probe: boolean }).probe).toBe(false);
      const doc = (await (await off.get('/openapi.json')).json()) as { paths: Record<string, unknown> };
      expect(Object.keys(doc.paths)).not.toContain('/v1/probe');
    } finally {
      await off.close();
    }
    expect(((await (await api.get('/readyz')).json()) as { probe: boolean }).probe).toBe(true);
    const doc = (await (await api.get('/openapi.json')).json()) as { paths: Record<string, { post: { responses: Record<string, unknown> } }> };
    expect(Object.keys(doc.paths['/v1/probe']!.post.responses)).toContain('429');
  });

  it('takes the password only in the body: any query parameter is refused, and nothing echoes it', async () => {
    const res = await fetch(`${api.url}/v1/probe?password=${encodeURIComponent(password)}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url: 'https://mail.example.test/' }) });
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(JSON.parse(text)).toMatchObject({ code: 'REQUEST_INVALID' });
    expect(text).not.toContain(password);
  });

  it.each([
    ['no url', { email: 'a@b.c' }, 'url'],
    ['a url of the wrong type', { url: 42 }, 'url'],
    ['a url too long', { url: `https://a.example.com/${'x'.repeat(3000)}` }, 'url'],
    ['not http(s)', { url: 'file:///etc/passwd' }, 'url'],
    ['gopher to loopback', { url: 'gopher://127.0.0.1:25/' }, 'url'],
    ['hostile Unicode', { url: 'https://\u202egoogle.com\u0000/' }, 'url'],
    ['an unknown field', { url: 'https://mail.example.test/', sendTestTo: 'x@y.z' }, 'sendTestTo'],
    ['a password of the wrong type', { url: 'https://mail.example.test/', password: { value: password } }, 'password'],
    ['a user name with a line break', { url: `https://${host}/`, username: 'EXAMPLE\\jdoe\r\nX-Injected: 1', password }, 'username'],
  ])('%s is 400 naming the field, without a stack trace or the password', async (_label, body, field) => {
    const res = await run(api, body);
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(JSON.parse(text)).toMatchObject({ code: 'REQUEST_INVALID', field });
    expect(text).not.toMatch(/\n\s+at /);
    expect(text).not.toContain(password);
  });

  it('a binary or huge body is refused with the API\'s errors', async () => {
    expect((await api.postRaw('/v1/probe', new Uint8Array([0xff, 0xfe, 0x00, 0x41]), 'application/json')).status).toBe(400);
    expect(await errorOf(await api.postRaw('/v1/probe', JSON.stringify({ url: `https://a/${'x'.repeat(200_000)}` }), 'application/json'))).toMatchObject({ code: 'BODY_TOO_LARGE' });
  });

  it('has its own, stricter rate limit', async () => {
    const limited = await startTestServer({ kb, limits: { allowProbe: true, probeRateLimitMax: 2 }, probe: { lookup: table({ localhost: ['127.0.0.1'] }) } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await run(limited, { url: 'https://localhost/' })).status);
      expect(statuses).toEqual([403, 403, 429]);
      // The general limit is off in tests: diagnoses go on.
      expect((await limited.post('/v1/diagnose', { message: 'Unauthorized' })).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
