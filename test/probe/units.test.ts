import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadKnowledgeBase } from '../../src/index.ts';
import { parseSubjectAltName } from '../../src/probe/certificate.ts';
import { knownSchemes, parseChallenges, versionFromHeaders, versionFromOwaPage } from '../../src/probe/headers.ts';
import { resolveLimits } from '../../src/probe/limits.ts';
import { scrubSecrets, secretsOf } from '../../src/probe/secrets.ts';
import { recognizeSignInPage, signInPageOfUrl } from '../../src/probe/sign-in-page.ts';
import { getFolderRequest, readSoapResponse, sendTestRequest } from '../../src/probe/soap.ts';
import { displayUrl, parseTarget } from '../../src/probe/target-url.ts';
import type { ProbeFacts } from '../../src/probe/types.ts';
import { isWellFormedXml } from '../../src/probe/xml-check.ts';
import { responseMessage, soapEnvelope, soapFault } from './_ews.ts';

describe('WWW-Authenticate', () => {
  it.each([
    [['Negotiate', 'NTLM'], ['Negotiate', 'NTLM']],
    [['Negotiate, NTLM'], ['Negotiate', 'NTLM']],
    [['Basic realm="mail.example.com"'], ['Basic']],
    [['Negotiate', 'Kerberos', 'NTLM', 'Basic realm="autodiscover.contoso.com"'], ['Negotiate', 'NTLM', 'Basic']],
    [['Bearer client_id="00000002-0000-0ff1-ce00-000000000000", trusted_issuers="00000001-0000-0000-c000-000000000000@*", token_types="app_asserted_user_v1 service_asserted_app_v1", authorization_uri="https://login.windows.net/common/oauth2/authorize", error="invalid_token",Basic Realm=""'], ['Bearer', 'Basic']],
    [['Basic Realm="",Basic Realm=""'], ['Basic']],
    [['Basic Realm="",Negotiate'], ['Basic', 'Negotiate']],
    [['Digest realm="x", nonce="a,b", qop="auth"'], ['Digest']],
    [['NTLM TlRMTVNTUAACAAAADAAMADgAAAA='], ['NTLM']],
    [['Basic realm="a \\" , NTLM"'], ['Basic']],
    [[''], []],
  ])('%j → %j', (headers, schemes) => {
    expect(knownSchemes(parseChallenges(headers))).toEqual(schemes);
  });

  it('keeps the token of an NTLM challenge and the unknown schemes', () => {
    const c = parseChallenges(['NTLM TlRMTVNTUAACAAAA==', 'Kerberos']);
    expect(c).toEqual([{ scheme: 'NTLM', token: 'TlRMTVNTUAACAAAA==' }, { scheme: 'Kerberos' }]);
  });

  it('never throws on arbitrary text', () => {
    fc.assert(fc.property(fc.array(fc.string()), (values) => Array.isArray(knownSchemes(parseChallenges(values)))));
  });
});

describe('versions from headers and pages', () => {
  const raw = (pairs: Record<string, string>) => Object.entries(pairs).flat();
  it.each([
    [{ 'X-OWA-Version': '14.3.513.0' }, '14.3.513.0'],
    [{ 'x-owa-version': '15.2.1544.4' }, '15.2.1544.4'],
    [{ 'X-ServerApplication': 'Exchange/15.01.2176.009' }, '15.1.2176.9'],
    [{ 'X-OWA-Version': 'V2_68' }, null],
    [{ 'X-OWA-Version': '15.1' }, null],
    [{ Server: 'Microsoft-IIS/10.0' }, null],
  ])('%j → %s', (headers, version) => {
    expect(versionFromHeaders(raw(headers))?.version ?? null).toBe(version);
  });

  it('reads the build in OWA asset paths', () => {
    expect(versionFromOwaPage('<link href="/owa/14.3.513.0/themes/base/premium.css">')?.version).toBe('14.3.513.0');
    expect(versionFromOwaPage('<script src="/owa/auth/15.1.2507.6/scripts/x.js">')?.version).toBe('15.1.2507.6');
    expect(versionFromOwaPage('<a href="/owa/">')).toBeNull();
  });
});

describe('sign-in pages', () => {
  it.each([
    ['https://mail.example.com/owa/auth/logon.aspx?replaceCurrent=1&url=https%3a%2f%2fmail.example.com%2fowa%2f', 'owa'],
    ['https://mail.example.com/owa/auth.owa', 'owa'],
    ['https://mail.example.com/owa/', 'owa'],
    ['https://mail.example.com/exchweb/bin/auth/owalogon.asp?url=x', 'owa-2003'],
    ['https://mail.example.com/CookieAuth.dll?GetLogon?curl=Z2FowaZ2F&reason=0&formdir=1', 'tmg'],
    ['https://sts.example.com/adfs/ls/?wa=wsignin1.0&wtrealm=x', 'adfs'],
    ['https://login.microsoftonline.com/common/oauth2/authorize?client_id=00000002-0000-0ff1-ce00-000000000000', 'microsoft'],
    ['https://login.windows.net/common/oauth2/authorize', 'microsoft'],
    ['https://mail.example.com/EWS/Exchange.asmx', null],
    ['https://login.microsoftonline.com.evil.example/', null],
    ['https://mail.example.com/owaspecial', null],
  ])('%s → %s', (url, page) => {
    expect(signInPageOfUrl(url)).toBe(page);
  });

  it('recognises a 440 and an OWA page by its content', () => {
    expect(recognizeSignInPage({ status: 440, url: 'https://x/EWS/Exchange.asmx' })).toBe('owa');
    expect(recognizeSignInPage({ status: 200, url: 'https://x/EWS/Exchange.asmx', contentType: 'text/html', body: '<form action="/owa/auth.owa" method="post">' })).toBe('owa');
    expect(recognizeSignInPage({ status: 200, url: 'https://x/EWS/Exchange.asmx', contentType: 'text/xml', body: '<form action="/owa/auth.owa">' })).toBeNull();
  });
});

describe('XML well-formedness', () => {
  it.each([
    ['<a/>', true],
    ['<?xml version="1.0"?><a x="1" y=\'2\'><b>t &amp; &#233; &#x1F600;</b><!-- c --><![CDATA[<x>]]></a>', true],
    [soapEnvelope(responseMessage('GetFolder', 'NoError')), true],
    [soapFault('ErrorInvalidServerVersion', 'The specified server version is invalid.'), true],
    ['\uFEFF<a></a>\n', true],
    ['', false],
    ['text', false],
    ['<a>', false],
    ['<a></b>', false],
    ['<a><b></a></b>', false],
    ['<a/><b/>', false],
    ['<a>&nbsp;</a>', false],
    ['<a>AT&T</a>', false],
    ['<a x=1/>', false],
    ['<a x="1" x="2"/>', false],
    ['<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>', false],
    ['<a><!-- open', false],
    ['<html><body><p>not closed</body></html>', false],
    ['junk<a/>', false],
  ])('%j → %s', (text, ok) => {
    expect(isWellFormedXml(text)).toBe(ok);
  });

  it('is linear: a megabyte of nesting or of attributes is checked quickly', () => {
    const deep = `${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}`;
    const attrs = `<a ${Array.from({ length: 50_000 }, (_, i) => `x${i}="${i}"`).join(' ')}/>`;
    const t0 = performance.now();
    expect(isWellFormedXml(deep)).toBe(true);
    expect(isWellFormedXml(attrs)).toBe(true);
    expect(isWellFormedXml(`<a>${'<'.repeat(500_000)}`)).toBe(false);
    expect(performance.now() - t0).toBeLessThan(1500);
  });

  it('never throws on arbitrary text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => typeof isWellFormedXml(s) === 'boolean'));
  });
});

describe('SOAP', () => {
  it('reads ServerVersionInfo as four numbers and the first failing ResponseCode', () => {
    const r = readSoapResponse(soapEnvelope(responseMessage('GetFolder', 'ErrorNonExistentMailbox', 'The SMTP address has no mailbox associated with it.'), [14, 3, 123, 4], 'Exchange2010_SP2'));
    expect(r).toEqual({ xml: true, soap: true, serverVersion: '14.3.123.4', responseCode: 'ErrorNonExistentMailbox', responseClass: 'Error', messageText: 'The SMTP address has no mailbox associated with it.' });
  });

  it('reads the ResponseCode of a SOAP fault, with its faultstring', () => {
    expect(readSoapResponse(soapFault('ErrorInvalidServerVersion', 'The specified server version is invalid.'))).toMatchObject({ responseCode: 'ErrorInvalidServerVersion', messageText: 'The specified server version is invalid.' });
  });

  it('falls back to the faultcode when the detail has no ResponseCode', () => {
    const body = '<s:Envelope xmlns:s="x"><s:Body><s:Fault><faultcode xmlns:a="t">a:ErrorSchemaValidation</faultcode><faultstring>The request failed schema validation.</faultstring></s:Fault></s:Body></s:Envelope>';
    expect(readSoapResponse(body).responseCode).toBe('ErrorSchemaValidation');
  });

  it('an Exchange Online ServerVersionInfo (15.20, Version V2017_07_11)', () => {
    expect(readSoapResponse(soapEnvelope(responseMessage('GetFolder', 'NoError'), [15, 20, 7409, 0], 'V2017_07_11')).serverVersion).toBe('15.20.7409.0');
  });

  it.each([
    ['HTML', '<html><head><title>Outlook</title></head><body></body></html>', { xml: true, soap: false }],
    ['broken XML', '<s:Envelope><s:Body><m:ResponseCode>ErrorAccessDenied</m:ResponseCode></s:Body>', { xml: false, soap: false }],
    ['not XML', '401 - Unauthorized', { xml: false, soap: false }],
  ])('%s gives no ResponseCode', (_label, body, expected) => {
    expect(readSoapResponse(body)).toEqual(expected);
  });

  it('escapes the addresses it puts into requests', () => {
    expect(getFolderRequest('a<b>&"c\'@example.test')).toContain('<t:EmailAddress>a&lt;b&gt;&amp;&quot;c&apos;@example.test</t:EmailAddress>');
    expect(isWellFormedXml(getFolderRequest('x&y@example.test'))).toBe(true);
    expect(isWellFormedXml(sendTestRequest('from@example.test', 'to<@example.test'))).toBe(true);
    expect(getFolderRequest()).toContain('<t:RequestServerVersion Version="Exchange2010_SP2"/>');
  });
});

describe('certificates', () => {
  it.each([
    ['DNS:mail.example.com, DNS:*.example.com', ['mail.example.com', '*.example.com'], []],
    ['DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1', ['localhost'], ['127.0.0.1', '0:0:0:0:0:0:0:1']],
    ['DNS:"a,b.example.com", DNS:c.example.com', ['a,b.example.com', 'c.example.com'], []],
    ['email:x@example.com, DNS:d.example.com, URI:http://x', ['d.example.com'], []],
    [undefined, [], []],
  ])('subjectaltname %j', (text, dns, ip) => {
    expect(parseSubjectAltName(text)).toEqual({ dns, ip });
  });
});

describe('the URL step', () => {
  it.each([
    ['https://mail.example.com/EWS/Exchange.asmx', { scheme: 'https', host: 'mail.example.com', port: 443, isEwsEndpoint: true, suggestedEwsUrl: 'https://mail.example.com/EWS/Exchange.asmx' }],
    ['  "https://Mail.Example.com/ews/exchange.asmx"  ', { host: 'mail.example.com', isEwsEndpoint: true }],
    ['https://mail.example.com:8443/owa/', { port: 8443, isEwsEndpoint: false, suggestedEwsUrl: 'https://mail.example.com:8443/EWS/Exchange.asmx' }],
    ['http://mail.example.com/EWS/Exchange.asmx', { scheme: 'http', port: 80, suggestedEwsUrl: 'https://mail.example.com/EWS/Exchange.asmx' }],
    ['https://127.0.0.1:444/EWS/Exchange.asmx', { host: '127.0.0.1', isIp: true, suggestedEwsUrl: 'https://127.0.0.1:444/EWS/Exchange.asmx' }],
    ['https://bücher.example/EWS/Exchange.asmx', { host: 'xn--bcher-kva.example' }],
  ])('%s', (url, expected) => {
    expect(parseTarget(url)).toMatchObject(expected);
  });

  it.each([
    ['https://mail.example.com/EWS/Exchange.asmx', 'https://mail.example.com/EWS/Exchange.asmx'],
    ['https://mail.example.com:443/EWS/Exchange.asmx', 'https://mail.example.com/EWS/Exchange.asmx'],
    ['https://mail.example.com:8443/owa/', 'https://mail.example.com:8443/owa/'],
    ['http://mail.example.com/EWS/Exchange.asmx', 'http://mail.example.com/EWS/Exchange.asmx'],
    ['http://mail.example.com:443/EWS/Exchange.asmx', 'http://mail.example.com:443/EWS/Exchange.asmx'],
  ])('the report shows %s as %s (no port the user did not need)', (url, shown) => {
    expect(displayUrl(parseTarget(url))).toBe(shown);
  });

  it('an IPv6 literal is a host, as the engine\'s urlValid says', () => {
    expect(parseTarget('https://[::1]:444/EWS/Exchange.asmx')).toMatchObject({ host: '::1', isIp: true, port: 444, suggestedEwsUrl: 'https://[::1]:444/EWS/Exchange.asmx' });
    expect(parseTarget('https://[2001:DB8:0:0::1]/owa/')).toMatchObject({ host: '2001:db8::1', isIp: true, isEwsEndpoint: false, suggestedEwsUrl: 'https://[2001:db8::1]/EWS/Exchange.asmx' });
  });
});

describe('limits and secrets', () => {
  it('defaults', () => {
    expect(resolveLimits({})).toEqual({ stepTimeoutMs: 10_000, timeoutMs: 60_000, maxRedirects: 5, maxBodyBytes: 1024 * 1024, maxHeaderBytes: 16 * 1024 });
  });

  it('scrubs the password and its Basic form from nested values, leaves short ones alone', () => {
    const secrets = secretsOf({ username: 'EXAMPLE\\jdoe', password: 'Pa55word!' });
    const basic = Buffer.from('EXAMPLE\\jdoe:Pa55word!').toString('base64');
    expect(scrubSecrets({ a: ['x Pa55word! y', { b: `Basic ${basic}` }], n: 3 }, secrets)).toEqual({ a: ['x [redacted] y', { b: 'Basic [redacted]' }], n: 3 });
    expect(secretsOf(null)).toEqual([]);
  });
});

describe('fact names', () => {
  it('every fact the probe can report is declared in rules/facts.yaml as form or observed', () => {
    // A Record over every key of ProbeFacts: a fact added to the type without being listed here does not compile.
    const all: Record<keyof ProbeFacts, true> = { url: true, email: true, username: true, dnsResolves: true, tcpReachable: true, httpStatus: true, redirectLocation: true, authSchemes: true, serverVersion: true, certNames: true, certSubjectCN: true, certTrusted: true, certExpired: true, ewsErrorCode: true, ewsSignIn: true, clientErrorCode: true, tlsVersions: true, tlsHandshakeFailed: true, exchangeDetected: true, requestedVersionRefused: true };
    const catalogue = loadKnowledgeBase().data.facts;
    for (const name of Object.keys(all)) expect(['form', 'observed'], name).toContain(catalogue.get(name)?.source);
  });

  it('ewsSignIn takes exactly the options the catalogue declares', () => {
    const values: Record<NonNullable<ProbeFacts['ewsSignIn']>, true> = { ok: true, refused: true };
    const declared = loadKnowledgeBase().data.facts.get('ewsSignIn');
    expect(declared).toMatchObject({ type: 'string', source: 'observed' });
    expect(declared?.options?.map((o) => o.value).sort()).toEqual(Object.keys(values).sort());
  });
});
