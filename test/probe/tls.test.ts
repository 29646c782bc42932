import { describe, expect, it } from 'vitest';
import { probe, type ProbeResult } from '../../src/probe/index.ts';
import { ewsEndpoint, exchangeHeaders } from './_ews.ts';
import { createPki, host, type ServerCredentials } from './_pki.ts';
import { httpsServer, loopbackLookup, type TestServer, serverFixture } from './_servers.ts';
import { diagnoseObserved, topCause } from './_diagnose.ts';

const fixture = serverFixture(createPki);

/** An Exchange-like endpoint (401 Negotiate/NTLM) behind the given certificate, probed without credentials. */
async function probeWith(creds: ServerCredentials, urlHost = host, listen = '127.0.0.1'): Promise<ProbeResult> {
  const { handler } = ewsEndpoint({ challenges: ['Negotiate', 'NTLM'], headers: exchangeHeaders });
  const server = await fixture.keep(httpsServer(creds, handler, listen));
  return probe(server.url('/EWS/Exchange.asmx', urlHost), { ca: fixture.pki.rootPem, lookup: loopbackLookup([host, 'owa.eu.example.test']), stepTimeoutMs: 3000 });
}

const step = (r: ProbeResult, id: string) => r.steps.find((s) => s.step === id)!;

describe('IP addresses in certificates (RFC 6125)', () => {
  it('a certificate for 127.0.0.1 probed at https://127.0.0.1: the IP subjectAltName is reported and matches', async () => {
    const r = await probeWith(fixture.pki.loopback, '127.0.0.1');
    expect(r.facts).toMatchObject({ certTrusted: true, certNames: ['localhost', '127.0.0.1'] });
    expect(r.facts.clientErrorCode).toBeUndefined();
    expect(step(r, 'tls')).toMatchObject({ status: 'ok', details: { nameMatches: true, ipAltNames: ['127.0.0.1'] } });
    const result = await diagnoseObserved(r.facts, { symptom: 'connect-failed' });
    expect(result.facts['certMatchesHost']).toBe(true);
    expect(result.causes.find((c) => c.id === 'cert-name-mismatch')?.status).toBe('ruled-out');
  });

  it('a certificate for a host name only, probed at its IP address: the CN does not count → cert-name-mismatch', async () => {
    const r = await probeWith(fixture.pki.right, '127.0.0.1');
    expect(r.facts).toMatchObject({ certTrusted: true, certNames: [host], clientErrorCode: 'ERR_TLS_CERT_ALTNAME_INVALID' });
    expect(step(r, 'tls')).toMatchObject({ details: { nameMatches: false } });
    expect(await topCause(r.facts, { symptom: 'connect-failed' })).toEqual({ id: 'cert-name-mismatch', status: 'confirmed' });
  });

  it('an IPv6 literal URL is probed, and ::1 in the certificate (written in full by Node) matches it', async () => {
    const r = await probeWith(fixture.pki.loopback6, '[::1]', '::1');
    expect(step(r, 'url')).toMatchObject({ details: { host: '::1', suggestedEwsUrl: expect.stringMatching(/^https:\/\/\[::1\]:\d+\/EWS\/Exchange\.asmx$/) } });
    expect(step(r, 'tcp')).toMatchObject({ status: 'ok', details: { address: '::1' } });
    expect(r.facts).toMatchObject({ certTrusted: true, certNames: ['localhost', '::1'], httpStatus: 401 });
    expect(step(r, 'tls')).toMatchObject({ status: 'ok', details: { nameMatches: true } });
    const result = await diagnoseObserved(r.facts, { symptom: 'connect-failed' });
    expect(result.facts).toMatchObject({ urlValid: true, urlHost: '::1', certMatchesHost: true });
  });
});

describe('TLS certificates', () => {
  it('the right name from a trusted root: trusted, matching, no client error', async () => {
    const r = await probeWith(fixture.pki.right);
    expect(r.facts).toMatchObject({ dnsResolves: true, tcpReachable: true, certTrusted: true, certExpired: false, certNames: [host], certSubjectCN: host, httpStatus: 401, authSchemes: ['Negotiate', 'NTLM'] });
    expect(r.facts.clientErrorCode).toBeUndefined();
    expect(step(r, 'tls')).toMatchObject({ status: 'ok', details: { nameMatches: true, trusted: true, issuer: 'KB Test Root CA' } });
    const tls = step(r, 'tls').details as { validFrom: string; validTo: string; protocol: string };
    expect(Date.parse(tls.validTo)).toBeGreaterThan(Date.now());
    expect(tls.protocol).toMatch(/^TLSv1\.[23]$/);
    // Nothing wrong below EWS: the certificate causes are ruled out; the top cause is not a TLS one.
    const top = await topCause(r.facts, { symptom: 'connect-failed' });
    expect(top.id).not.toMatch(/^cert-/);
  });

  it('a wrong name: ERR_TLS_CERT_ALTNAME_INVALID, chain still trusted → cert-name-mismatch', async () => {
    const r = await probeWith(fixture.pki.wrongName);
    expect(r.facts).toMatchObject({ certTrusted: true, certExpired: false, certNames: ['other.example.net', 'www.other.example.net'], clientErrorCode: 'ERR_TLS_CERT_ALTNAME_INVALID' });
    expect(step(r, 'tls')).toMatchObject({ status: 'failed', errorCode: 'ERR_TLS_CERT_ALTNAME_INVALID', details: { nameMatches: false } });
    // The HTTP layer is still observed, with the certificate marked as not verified.
    expect(r.facts.httpStatus).toBe(401);
    expect(step(r, 'http').details).toMatchObject({ certificateNotVerified: true });
    expect(await topCause(r.facts, { symptom: 'connect-failed' })).toEqual({ id: 'cert-name-mismatch', status: 'confirmed' });
  });

  it('a wildcard covers one label: mail.example.test matches, owa.eu.example.test does not', async () => {
    const r = await probeWith(fixture.pki.wildcard);
    expect(r.facts).toMatchObject({ certTrusted: true, certNames: ['*.example.test'] });
    expect(r.facts.clientErrorCode).toBeUndefined();
    expect(step(r, 'tls').details).toMatchObject({ nameMatches: true });
    expect((await topCause(r.facts, { symptom: 'connect-failed' })).id).not.toBe('cert-name-mismatch');

    const deep = await probeWith(fixture.pki.wildcard, 'owa.eu.example.test');
    expect(deep.facts.clientErrorCode).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    expect(step(deep, 'tls').details).toMatchObject({ nameMatches: false });
    expect(await topCause(deep.facts, { symptom: 'connect-failed' })).toEqual({ id: 'cert-name-mismatch', status: 'confirmed' });
  });

  it('a CN without subjectAltNames: no certNames, the CN decides and matches', async () => {
    const r = await probeWith(fixture.pki.cnOnly);
    expect(r.facts).toMatchObject({ certNames: [], certSubjectCN: host, certTrusted: true });
    expect(r.facts.clientErrorCode).toBeUndefined();
    expect(step(r, 'tls').details).toMatchObject({ nameMatches: true });
    const d = await diagnoseObserved(r.facts, { symptom: 'connect-failed' });
    expect(d.causes.find((c) => c.id === 'cert-name-mismatch')?.status).toBe('ruled-out');
    expect(d.causes[0]?.id).not.toMatch(/^cert-/);
  });

  it('expired: CERT_HAS_EXPIRED, certExpired → cert-untrusted-or-expired', async () => {
    const r = await probeWith(fixture.pki.expired);
    expect(r.facts).toMatchObject({ certExpired: true, certTrusted: false, clientErrorCode: 'CERT_HAS_EXPIRED', certNames: [host] });
    expect(step(r, 'tls')).toMatchObject({ status: 'failed', errorCode: 'CERT_HAS_EXPIRED', details: { expired: true, nameMatches: true } });
    expect(await topCause(r.facts, { symptom: 'connect-failed' })).toEqual({ id: 'cert-untrusted-or-expired', status: 'confirmed' });
  });

  it('self-signed: DEPTH_ZERO_SELF_SIGNED_CERT → cert-untrusted-or-expired', async () => {
    const r = await probeWith(fixture.pki.selfSigned);
    expect(r.facts).toMatchObject({ certTrusted: false, certExpired: false, clientErrorCode: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    expect(await topCause(r.facts, { symptom: 'connect-failed' })).toEqual({ id: 'cert-untrusted-or-expired', status: 'confirmed' });
  });

  it('an untrusted chain (leaf and an unknown root): SELF_SIGNED_CERT_IN_CHAIN', async () => {
    const r = await probeWith(fixture.pki.untrustedChain);
    expect(r.facts).toMatchObject({ certTrusted: false, clientErrorCode: 'SELF_SIGNED_CERT_IN_CHAIN' });
    expect(step(r, 'tls').details).toMatchObject({ issuer: 'Untrusted Root CA', nameMatches: true });
    expect(await topCause(r.facts, { symptom: 'url-invalid' })).toEqual({ id: 'cert-untrusted-or-expired', status: 'confirmed' });
  });

  it('a missing intermediate: UNABLE_TO_VERIFY_LEAF_SIGNATURE; with the intermediate sent it verifies', async () => {
    const r = await probeWith(fixture.pki.missingIntermediate);
    expect(r.facts).toMatchObject({ certTrusted: false, clientErrorCode: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
    expect(await topCause(r.facts, { symptom: 'connect-failed' })).toEqual({ id: 'cert-untrusted-or-expired', status: 'confirmed' });

    const ok = await probeWith(fixture.pki.withIntermediate);
    expect(ok.facts).toMatchObject({ certTrusted: true });
    expect(ok.facts.clientErrorCode).toBeUndefined();
  });

  it('without the test root in `ca`, the same certificate is untrusted (Node store only)', async () => {
    const { handler } = ewsEndpoint({ challenges: ['NTLM'] });
    const server = await httpsServer(fixture.pki.right, handler);
    await fixture.keep(server);
    const r = await probe(server.url(), { lookup: loopbackLookup(), stepTimeoutMs: 3000 });
    expect(r.facts.certTrusted).toBe(false);
    expect(r.facts.clientErrorCode).toMatch(/^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)$/);
  });
});
