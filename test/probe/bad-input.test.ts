import { describe, expect, it } from 'vitest';
import { KbError } from '../../src/index.ts';
import { probe, type ProbeOptions, type ProbeResult } from '../../src/probe/index.ts';
import { ewsEndpoint, user } from './_ews.ts';
import { createPki, host } from './_pki.ts';
import { closedPort, type Handler, httpsServer, loopbackLookup, tcpServer, type TestServer, tlsServer, serverFixture } from './_servers.ts';
import { diagnoseObserved, topCause } from './_diagnose.ts';

const fixture = serverFixture(createPki);

const keep = fixture.keep;

const serve = (handler: Handler) => keep(httpsServer(fixture.pki.right, handler));
const options = (extra: ProbeOptions = {}): ProbeOptions => ({ ca: fixture.pki.rootPem, lookup: loopbackLookup(), stepTimeoutMs: 2000, ...extra });
const step = (r: ProbeResult, id: string) => r.steps.find((s) => s.step === id)!;
const statuses = (r: ProbeResult) => Object.fromEntries(r.steps.map((s) => [s.step, s.status]));

async function probeFailure(url: unknown, extra: ProbeOptions = {}): Promise<KbError> {
  const error = await probe(url as string, options(extra)).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KbError);
  expect((error as KbError).code).toBe('PROBE_FAILED');
  return error as KbError;
}

describe('URLs the probe refuses to run on (PROBE_FAILED, field url)', () => {
  it.each([
    ['words', 'not a url at all'],
    ['empty', ''],
    ['spaces', '   '],
    ['no scheme', 'mail.example.test/EWS/Exchange.asmx'],
    ['no host', 'https://'],
    ['a space in the host', 'https://exa mple.test/EWS/Exchange.asmx'],
    ['an unclosed IPv6 bracket', 'https://[::1'],
    ['5000 characters', `https://${'x'.repeat(5000)}.test/`],
    ['a control character in the host', 'https://mail.exa\u0000mple.test/EWS/Exchange.asmx'],
  ])('garbage: %s', async (_label, url) => {
    expect((await probeFailure(url)).field).toBe('url');
  });

  it.each([['ftp://mail.example.test/EWS/Exchange.asmx'], ['file:///etc/passwd'], ['javascript:alert(1)'], ['ldap://mail.example.test']])('a scheme other than http(s): %s', async (url) => {
    const e = await probeFailure(url);
    expect(e.field).toBe('url');
  });

  it('a non-string URL', async () => {
    expect((await probeFailure(42)).field).toBe('url');
    expect((await probeFailure(undefined)).field).toBe('url');
  });

  it('credentials inside the URL are refused without being echoed', async () => {
    const e = await probeFailure('https://jdoe:Hunter2Secret@mail.example.test/EWS/Exchange.asmx');
    expect(e.message).not.toContain('Hunter2Secret');
    expect(e.field).toBe('url');
  });
});

describe('options out of range (PROBE_FAILED naming the option)', () => {
  it.each([
    [{ stepTimeoutMs: -1 }, 'stepTimeoutMs'],
    [{ stepTimeoutMs: 1.5 }, 'stepTimeoutMs'],
    [{ timeoutMs: 10_000_000 }, 'timeoutMs'],
    [{ maxRedirects: 100 }, 'maxRedirects'],
    [{ maxBodyBytes: 0 }, 'maxBodyBytes'],
    [{ ca: 'this is not PEM' }, 'ca'],
    [{ password: 'x1234567' }, 'username'],
    [{ email: 'a@b.test', sendTestTo: 'not an address' }, 'sendTestTo'],
    [{ username: 'EXAMPLE\\jdoe\r\nX-Injected: 1' }, 'username'],
  ] as [ProbeOptions, string][])('%j', async (extra, field) => {
    expect((await probeFailure(`https://${host}/EWS/Exchange.asmx`, extra)).field).toBe(field);
  });

  it('a password with a control character is refused without being echoed', async () => {
    const e = await probeFailure(`https://${host}/EWS/Exchange.asmx`, { email: user.email, password: 'Secr3t\nValue' });
    expect(e.field).toBe('password');
    expect(e.message).not.toContain('Secr3t');
  });
});

describe('DNS and TCP failures', () => {
  it('ENOTFOUND: dnsResolves false, the rest skipped → server-unreachable', async () => {
    const r = await probe('https://nowhere.example.test/EWS/Exchange.asmx', options());
    expect(r.facts).toMatchObject({ dnsResolves: false, clientErrorCode: 'ENOTFOUND' });
    expect(statuses(r)).toEqual({ url: 'ok', dns: 'failed', tcp: 'skipped', tls: 'skipped', http: 'skipped', ews: 'skipped', send: 'skipped' });
    expect(await topCause(r.facts, { symptom: 'connect-failed' })).toEqual({ id: 'server-unreachable', status: 'confirmed' });
  });

  it('a temporary DNS failure (EAI_AGAIN) leaves dnsResolves unknown', async () => {
    const lookup = async () => {
      throw Object.assign(new Error('getaddrinfo EAI_AGAIN'), { code: 'EAI_AGAIN' });
    };
    const r = await probe(`https://${host}/EWS/Exchange.asmx`, options({ lookup }));
    expect(r.facts.dnsResolves).toBeUndefined();
    expect(r.facts.clientErrorCode).toBe('EAI_AGAIN');
  });

  it('a resolver that never answers is bounded by the step timeout (ETIMEDOUT)', async () => {
    const t0 = performance.now();
    const r = await probe(`https://${host}/EWS/Exchange.asmx`, options({ lookup: () => new Promise(() => {}), stepTimeoutMs: 300 }));
    expect(performance.now() - t0).toBeLessThan(1500);
    expect(r.facts).toMatchObject({ clientErrorCode: 'ETIMEDOUT' });
    expect(r.facts.dnsResolves).toBeUndefined();
  });

  it('ECONNREFUSED: tcpReachable false → server-unreachable, likely until IT rules out an IP allowlist', async () => {
    const port = await closedPort();
    const r = await probe(`https://${host}:${port}/EWS/Exchange.asmx`, options());
    expect(r.facts).toMatchObject({ dnsResolves: true, tcpReachable: false, clientErrorCode: 'ECONNREFUSED' });
    expect(step(r, 'tls').status).toBe('skipped');
    // From outside, a refused port and an IP allowlist that refuses look the same.
    expect(await topCause(r.facts, { symptom: 'connect-failed' })).toEqual({ id: 'server-unreachable', status: 'likely' });
    expect(await topCause(r.facts, { symptom: 'connect-failed', facts: { ipAllowlistActive: false } })).toEqual({ id: 'server-unreachable', status: 'confirmed' });
  });
});

describe('servers that misbehave', () => {
  it('never answers (TCP accepted, silence): the TLS step ends at its time limit with ETIMEDOUT', async () => {
    const server = await keep(tcpServer(() => {}));
    const t0 = performance.now();
    const r = await probe(server.url(), options({ stepTimeoutMs: 400 }));
    const elapsed = performance.now() - t0;
    expect(elapsed).toBeGreaterThanOrEqual(390);
    expect(elapsed).toBeLessThan(2000);
    expect(r.facts).toMatchObject({ tcpReachable: true, clientErrorCode: 'ETIMEDOUT' });
    expect(step(r, 'tls')).toMatchObject({ status: 'failed', errorCode: 'ETIMEDOUT' });
    expect(step(r, 'http').status).toBe('skipped');
    // TCP got through, so the server is not "unreachable"; the knowledge base has no cause that is confirmed by a stalled handshake.
    const d = await diagnoseObserved(r.facts, { symptom: 'connect-failed' });
    expect(d.causes.find((c) => c.id === 'server-unreachable')?.status).toBe('ruled-out');
    expect((await topCause(r.facts, { symptom: 'connect-failed' })).status).toBe('possible');
  });

  it('answers TLS but never HTTP: the HTTP step ends at its time limit', async () => {
    const server = await serve(() => new Promise<void>(() => {}));
    const t0 = performance.now();
    const r = await probe(server.url(), options({ stepTimeoutMs: 400, email: user.email, password: user.password }));
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(r.facts).toMatchObject({ certTrusted: true, clientErrorCode: 'ETIMEDOUT' });
    expect(step(r, 'http')).toMatchObject({ status: 'failed', errorCode: 'ETIMEDOUT' });
    expect(step(r, 'ews')).toMatchObject({ status: 'skipped', summary: 'not run: no HTTP answer' });
    const d = await diagnoseObserved(r.facts, { symptom: 'connect-failed' });
    expect(d.causes.find((c) => c.id === 'server-unreachable')?.status).toBe('ruled-out');
    expect(d.causes.find((c) => c.id.startsWith('cert-'))?.status).toBe('ruled-out');
    expect(d.causes[0]?.status).toBe('possible');
  });

  it('sends 50 MB: only the byte limit is read, and quickly', async () => {
    let written = 0;
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html', 'Content-Length': String(50 * 1024 * 1024) });
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      const pump = () => {
        while (written < 50 * 1024 * 1024 && !res.destroyed) {
          written += chunk.length;
          if (!res.write(chunk)) return res.once('drain', pump);
        }
        res.end();
      };
      res.on('error', () => {});
      pump();
    });
    const t0 = performance.now();
    const r = await probe(server.url(), options({ maxBodyBytes: 256 * 1024 }));
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(step(r, 'http')).toMatchObject({ status: 'warning', details: { truncated: true, bodyBytes: 256 * 1024 } });
    expect(r.facts.httpStatus).toBe(200);
    await new Promise((done) => setTimeout(done, 50));
    expect(written).toBeLessThan(50 * 1024 * 1024);
    // A web page in place of EWS, with no sign of Exchange: there is no EWS at this address.
    expect(r.facts.exchangeDetected).toBe(false);
    expect(await topCause(r.facts, { symptom: 'url-invalid' })).toEqual({ id: 'not-an-exchange-server', status: 'confirmed' });
  });

  it('the default byte limit (1 MiB) holds as well', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/xml' });
      res.on('error', () => {});
      const chunk = Buffer.alloc(256 * 1024, 0x20);
      let n = 0;
      const pump = () => {
        while (n++ < 200 && !res.destroyed) if (!res.write(chunk)) return res.once('drain', pump);
        res.end();
      };
      pump();
    });
    const r = await probe(server.url(), options());
    expect(step(r, 'http').details).toMatchObject({ truncated: true, bodyBytes: 1024 * 1024 });
  });

  it('a body that trickles forever is cut at the step time limit; the status still counts', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(401, { 'WWW-Authenticate': 'NTLM', 'Content-Type': 'text/html' });
      res.on('error', () => {});
      const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write('.')), 20);
    });
    const t0 = performance.now();
    const r = await probe(server.url(), options({ stepTimeoutMs: 300 }));
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(r.facts).toMatchObject({ httpStatus: 401, authSchemes: ['NTLM'] });
    expect(step(r, 'http').details).toMatchObject({ truncated: true });
  });

  it('closes the connection mid-handshake: ECONNRESET in the TLS step', async () => {
    const server = await keep(tcpServer((socket) => socket.once('data', () => socket.destroy())));
    const r = await probe(server.url(), options());
    expect(r.facts).toMatchObject({ tcpReachable: true, clientErrorCode: 'ECONNRESET' });
    expect(step(r, 'tls')).toMatchObject({ status: 'failed', errorCode: 'ECONNRESET' });
    expect(step(r, 'http').status).toBe('skipped');
    // A server that closes on the ClientHello is what a TLS version mismatch looks like, without proving it.
    expect(r.facts.tlsHandshakeFailed).toBe(true);
    const d = await diagnoseObserved(r.facts, { symptom: 'connect-failed' });
    expect(d.causes.find((c) => c.id === 'server-unreachable')?.status).toBe('ruled-out');
    expect(d.causes[0]).toMatchObject({ id: 'tls-version-mismatch', status: 'likely' });
  });

  it('sends half a handshake record and hangs up', async () => {
    const server = await keep(tcpServer((socket) => socket.once('data', () => socket.end(Buffer.from([0x16, 0x03, 0x03, 0x00, 0x40, 0x02, 0x00])))));
    const r = await probe(server.url(), options());
    expect(step(r, 'tls').status).toBe('failed');
    expect(r.facts.clientErrorCode).toMatch(/^(ECONNRESET|EPROTO|ERR_SSL_[A-Z_]+)$/);
  });

  it('speaks plain HTTP on the https port: a TLS protocol error', async () => {
    const server = await keep(tcpServer((socket) => socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n'))));
    const r = await probe(server.url(), options());
    expect(step(r, 'tls').status).toBe('failed');
    expect(r.facts.clientErrorCode).toMatch(/^(EPROTO|ERR_SSL_WRONG_VERSION_NUMBER|ERR_SSL_[A-Z_]+)$/);
  });

  it('lies about Content-Length (promises 1000 bytes, sends 10, hangs up): the answer is kept, marked incomplete', async () => {
    const server = await serve((req, res) => {
      res.writeHead(401, { 'WWW-Authenticate': 'NTLM', 'Content-Length': '1000' });
      res.write('0123456789');
      setTimeout(() => req.socket.destroy(), 20);
    });
    const r = await probe(server.url(), options());
    expect(r.facts).toMatchObject({ httpStatus: 401, authSchemes: ['NTLM'] });
    expect(step(r, 'http').details).toMatchObject({ truncated: true, bodyBytes: 10 });
  });

  it('sends a broken status line: the parser error code is the client error', async () => {
    const server = await keep(tlsServer(fixture.pki.right, (socket) => socket.once('data', () => socket.end('HTTP/1.1 BANANA\r\n\r\n'))));
    const r = await probe(server.url(), options());
    expect(step(r, 'http').status).toBe('failed');
    expect(r.facts.clientErrorCode).toMatch(/^HPE_/);
    expect(r.facts.httpStatus).toBeUndefined();
  });

  it('sends more header bytes than the limit: HPE_HEADER_OVERFLOW', async () => {
    const server = await serve((_req, res) => {
      res.setHeader('X-Padding', 'a'.repeat(40 * 1024));
      res.end();
    });
    const r = await probe(server.url(), options());
    expect(r.facts.clientErrorCode).toBe('HPE_HEADER_OVERFLOW');
  });

  it('an SOAP answer cut off by a wrong Content-Length is not read as EWS', async () => {
    const { handler } = ewsEndpoint({ challenges: ['Basic realm=""'] });
    const server = await serve((req, res) => {
      if (!req.headers.authorization) return handler(req, res);
      res.writeHead(200, { 'Content-Type': 'text/xml', 'Content-Length': '5000' });
      res.write('<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><m:ResponseCode>ErrorAccessDenied</m:ResponseCode>');
      setTimeout(() => req.socket.destroy(), 20);
    });
    const r = await probe(server.url(), options({ email: user.email, password: user.password }));
    expect(r.facts.ewsErrorCode).toBeUndefined();
    expect(step(r, 'ews')).toMatchObject({ status: 'failed', details: { invalidXml: true } });
  });
});

describe('time limits and stopping', () => {
  it('the overall limit bounds the probe and skips what is left', async () => {
    const server = await keep(tcpServer(() => {}));
    const t0 = performance.now();
    const r = await probe(server.url(), options({ stepTimeoutMs: 10_000, timeoutMs: 500 }));
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(step(r, 'tls')).toMatchObject({ status: 'failed', errorCode: 'ETIMEDOUT' });
    expect(step(r, 'http')).toMatchObject({ status: 'skipped' });
  });

  it('an abort signal stops the probe', async () => {
    const server = await keep(tcpServer(() => {}));
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('stop')), 100);
    const t0 = performance.now();
    const r = await probe(server.url(), options({ stepTimeoutMs: 10_000, signal: controller.signal }));
    expect(performance.now() - t0).toBeLessThan(1500);
    expect(step(r, 'tls')).toMatchObject({ status: 'skipped', summary: 'stopped' });
    expect(step(r, 'http')).toMatchObject({ status: 'skipped', summary: 'stopped' });
    expect(r.facts).toMatchObject({ tcpReachable: true });
    expect(r.facts.clientErrorCode).toBeUndefined(); // being stopped is not the server's error
  });

  it('a signal aborted before the start skips every network step', async () => {
    const controller = new AbortController();
    controller.abort();
    const r = await probe(`https://${host}/EWS/Exchange.asmx`, options({ signal: controller.signal }));
    expect(r.steps.filter((s) => s.step !== 'url').every((s) => s.status === 'skipped')).toBe(true);
    expect(step(r, 'dns').summary).toBe('stopped');
  });
});
