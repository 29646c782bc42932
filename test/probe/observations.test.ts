import { describe, expect, it } from 'vitest';
import { probe, type ProbeResult } from '../../src/probe/index.ts';
import { ewsEndpoint, exchangeHeaders } from './_ews.ts';
import { createPki, host } from './_pki.ts';
import { type Handler, httpsServer, loopbackLookup, serverFixture } from './_servers.ts';
import { topCause } from './_diagnose.ts';

/** What the probe reports for the causes real reports needed: the TLS version, whether Exchange answered, a refused handshake. */
const fixture = serverFixture(createPki);

async function probeAt(handler: Handler, tls = {}): Promise<ProbeResult> {
  const server = await fixture.keep(httpsServer(fixture.pki.right, handler, '127.0.0.1', tls));
  return probe(server.url('/EWS/Exchange.asmx', host), { ca: fixture.pki.rootPem, lookup: loopbackLookup([host]), stepTimeoutMs: 3000 });
}

const page404: Handler = (_req, res) => {
  res.writeHead(404, { 'content-type': 'text/html; charset=utf-8', server: 'nginx' });
  res.end('<!DOCTYPE html><html><body><h1>404 Not Found</h1></body></html>');
};

describe('what the probe observes for the newer causes', () => {
  it('reports the TLS version the handshake agreed on; TLS 1.2 or 1.3 rules out tls-version-mismatch', async () => {
    const { handler } = ewsEndpoint({ challenges: ['Negotiate', 'NTLM'], headers: exchangeHeaders });
    const r = await probeAt(handler, { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' });
    expect(r.facts.tlsVersions).toEqual(['TLSv1.2']);
    expect(r.facts.tlsHandshakeFailed).toBeUndefined();
    expect((await topCause(r.facts, { symptom: 'connect-failed' })).id).not.toBe('tls-version-mismatch');
  });

  it('a server that speaks only TLS 1.0/1.1 refuses the handshake: tls-version-mismatch is confirmed', async () => {
    const r = await probeAt(page404, { minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' });
    expect(r.steps.find((s) => s.step === 'tls')?.status).toBe('failed');
    expect(r.facts.tlsHandshakeFailed).toBe(true);
    expect(r.facts.clientErrorCode).toMatch(/^ERR_SSL_/);
    expect(await topCause(r.facts, { symptom: 'connect-failed' })).toEqual({ id: 'tls-version-mismatch', status: 'confirmed' });
  });

  it('Exchange headers on the answer: exchangeDetected, so not-an-exchange-server is ruled out', async () => {
    const { handler } = ewsEndpoint({ challenges: ['Negotiate', 'NTLM'], headers: exchangeHeaders });
    const r = await probeAt(handler);
    expect(r.facts.exchangeDetected).toBe(true);
    expect(r.facts.authSchemes).toEqual(['Negotiate', 'NTLM']);
  });

  it('a plain web server answering 404 on /EWS/Exchange.asmx: not-an-exchange-server is confirmed', async () => {
    const r = await probeAt(page404);
    expect(r.facts).toMatchObject({ httpStatus: 404, exchangeDetected: false });
    expect(await topCause(r.facts, { symptom: 'url-invalid', facts: { url: r.facts.url! } })).toEqual({ id: 'not-an-exchange-server', status: 'confirmed' });
  });

  it('a server that offers only Negotiate (Kerberos) on EWS: auth-method-mismatch is confirmed', async () => {
    const { handler } = ewsEndpoint({ challenges: ['Negotiate'], headers: exchangeHeaders });
    const r = await probeAt(handler);
    expect(r.facts.authSchemes).toEqual(['Negotiate']);
    expect(await topCause(r.facts, { symptom: 'unauthorized', facts: { platform: 'on-premises' } })).toEqual({ id: 'auth-method-mismatch', status: 'confirmed' });
  });
});
