import { describe, expect, it } from 'vitest';
import { probe, type ProbeOptions, type ProbeResult } from '../../src/probe/index.ts';
import { type EwsScript, ewsEndpoint, exchangeHeaders, responseMessage, soapEnvelope, soapFault, user } from './_ews.ts';
import { createPki, host } from './_pki.ts';
import { type Handler, httpServer, httpsServer, loopbackLookup, type TestServer, serverFixture } from './_servers.ts';
import { diagnoseObserved, topCause } from './_diagnose.ts';

const fixture = serverFixture(createPki);

async function serve(handler: Handler): Promise<TestServer> {
  return fixture.keep(httpsServer(fixture.pki.right, handler));
}

function run(server: TestServer, options: ProbeOptions = {}, path = '/EWS/Exchange.asmx'): Promise<ProbeResult> {
  return probe(server.url(path), { ca: fixture.pki.rootPem, lookup: loopbackLookup(), stepTimeoutMs: 3000, ...options });
}

async function endpoint(script: EwsScript, options: ProbeOptions = {}) {
  const { handler, log } = ewsEndpoint(script);
  const server = await serve(handler);
  return { result: await run(server, options), log, server };
}

const step = (r: ProbeResult, id: string) => r.steps.find((s) => s.step === id)!;
const ntlmUser = `${user.domain}\\${user.name}`;

describe('401 challenges and signing in', () => {
  it('reads Negotiate, NTLM and Basic from separate WWW-Authenticate headers, with the Exchange headers', async () => {
    const { result } = await endpoint({ challenges: ['Negotiate', 'NTLM', `Basic realm="${host}"`], headers: exchangeHeaders });
    expect(result.facts).toMatchObject({ httpStatus: 401, authSchemes: ['Negotiate', 'NTLM', 'Basic'] });
    expect(result.facts.redirectLocation).toBeUndefined();
    expect(step(result, 'http')).toMatchObject({ status: 'ok', details: { xFeServer: 'EXSRV01', server: 'Microsoft-IIS/10.0', challenges: ['Negotiate', 'NTLM', 'Basic'] } });
    expect(step(result, 'ews')).toMatchObject({ status: 'skipped', summary: 'not run: no password given' });
  });

  it('signs in with a real NTLMv2 handshake (DOMAIN\\user) and reads ServerVersionInfo, not its Version name', async () => {
    const { result, log } = await endpoint({ challenges: ['Negotiate', 'NTLM', 'Basic realm=""'], headers: exchangeHeaders }, { username: ntlmUser, email: user.email, password: user.password });
    expect(log.signedIn).toEqual(['NTLM']);
    expect(log.ntlmUsers).toEqual([ntlmUser]);
    expect(step(result, 'ews')).toMatchObject({ status: 'ok', details: { responseCode: 'NoError', serverVersion: '15.1.2507.6', ntlmDomain: 'EXAMPLE', ntlmServer: 'EXSRV01', attempts: [{ scheme: 'NTLM', status: 200, responseCode: 'NoError' }] } });
    expect(result.facts).toMatchObject({ serverVersion: '15.1.2507.6', username: ntlmUser, email: user.email });
    expect(result.facts.ewsErrorCode).toBeUndefined();
    // Everything works: for "Unauthorized" nothing is confirmed, and the version and certificate causes are ruled out.
    const top = await topCause(result.facts, { symptom: 'unauthorized' });
    expect(top.status).not.toBe('confirmed');
  });

  it('NTLM with the e-mail address as user name (UPN form, empty domain)', async () => {
    const { result, log } = await endpoint({ challenges: ['NTLM'] }, { email: user.email, password: user.password });
    expect(log.ntlmUsers).toEqual([`\\${user.email}`]);
    expect(step(result, 'ews').status).toBe('ok');
  });

  it('NTLM inside Negotiate when the server offers only Negotiate', async () => {
    const { result, log } = await endpoint({ challenges: ['Negotiate'] }, { username: ntlmUser, password: user.password });
    expect(log.authorization.every((a) => a.startsWith('Negotiate '))).toBe(true);
    expect(log.signedIn).toEqual(['NTLM']);
    expect(step(result, 'ews').status).toBe('ok');
  });

  it('Basic only: signs in with Basic', async () => {
    const { result, log } = await endpoint({ challenges: [`Basic realm="${host}"`] }, { email: user.email, password: user.password });
    expect(result.facts.authSchemes).toEqual(['Basic']);
    expect(log.signedIn).toEqual(['Basic']);
    expect(step(result, 'ews')).toMatchObject({ status: 'ok', details: { attempts: [{ scheme: 'Basic', status: 200 }] } });
    expect(result.facts.ewsSignIn).toBe('ok');
    // The probe signed in with the same password: for "Unauthorized" the password is not the cause.
    expect(await topCause(result.facts, { symptom: 'unauthorized' })).not.toMatchObject({ id: 'credentials-wrong' });
  });

  it('a wrong password: NTLM and Basic both answer 401 → credentials refused', async () => {
    const { result, log } = await endpoint({ challenges: ['NTLM', 'Basic realm=""'] }, { username: ntlmUser, password: 'not-the-password' });
    expect(log.signedIn).toEqual([]);
    expect(step(result, 'ews')).toMatchObject({ status: 'failed', errorCode: 'HTTP_401', details: { attempts: [{ scheme: 'NTLM', status: 401 }, { scheme: 'Basic', status: 401 }] } });
    expect(result.facts.ewsSignIn).toBe('refused');
    // The probe cannot tell a wrong password from a policy: the best guess is not confirmed until the user answers.
    expect(await topCause(result.facts, { symptom: 'unauthorized' })).toEqual({ id: 'credentials-wrong', status: 'likely' });
  });

  it('Extended Protection: NTLM refused with the right password while Basic signs in; new build → extended-protection-blocks-ntlm', async () => {
    const { result } = await endpoint(
      { challenges: ['Negotiate', 'NTLM', 'Basic realm=""'], rejectNtlm: true, answer: (op) => ({ status: 200, xml: soapEnvelope(responseMessage(op, 'NoError'), [15, 2, 1544, 4], 'V2017_07_11') }) },
      { username: ntlmUser, password: user.password },
    );
    expect(step(result, 'ews')).toMatchObject({ status: 'ok', details: { attempts: [{ scheme: 'NTLM', status: 401 }, { scheme: 'Basic', status: 200 }] } });
    expect(result.facts.serverVersion).toBe('15.2.1544.4');
    // Basic got past authentication, so the call signed in, although NTLM was refused.
    expect(result.facts.ewsSignIn).toBe('ok');
  });

  // A sign-in that only Basic achieved after NTLM was refused is Extended Protection's own signature,
  // so ewsSignIn = ok must not rule that cause out (rules/causes/auth.yaml).
  it('Extended Protection seen by the probe (NTLM 401, Basic ok) is still the diagnosis', async () => {
    const { result } = await endpoint(
      { challenges: ['Negotiate', 'NTLM', 'Basic realm=""'], rejectNtlm: true, answer: (op) => ({ status: 200, xml: soapEnvelope(responseMessage(op, 'NoError'), [15, 2, 1544, 4], 'V2017_07_11') }) },
      { username: ntlmUser, password: user.password },
    );
    expect(await topCause(result.facts, { symptom: 'unauthorized', facts: { credentialsWorkInWebmail: true } })).toMatchObject({ id: 'extended-protection-blocks-ntlm' });
  });

  it('Bearer only (OAuth): no password sign-in is tried; a 15.20 build → exchange-online-needs-modern-auth', async () => {
    const { result, log } = await endpoint(
      { challenges: ['Bearer client_id="00000002-0000-0ff1-ce00-000000000000", trusted_issuers="00000001-0000-0000-c000-000000000000@*", error="invalid_token"'], headers: { 'X-OWA-Version': '15.20.7409.0' } },
      { email: user.email, password: user.password },
    );
    expect(result.facts).toMatchObject({ authSchemes: ['Bearer'], serverVersion: '15.20.7409.0', httpStatus: 401 });
    expect(step(result, 'ews')).toMatchObject({ status: 'skipped' });
    expect(step(result, 'ews').summary).toMatch(/only OAuth/);
    expect(log.authorization).toEqual([]);
    expect(await topCause(result.facts, { symptom: 'unauthorized' })).toEqual({ id: 'exchange-online-needs-modern-auth', status: 'confirmed' });
  });
});

describe("ewsSignIn: how the probe's own authenticated EWS call ended", () => {
  // Extended Protection is not among them: a Basic sign-in after NTLM was refused is its signature.
  const passwordCauses = ['credentials-wrong', 'needs-app-password', 'needs-domain-username'];
  const statusOf = async (facts: ProbeResult['facts']) => {
    const r = await diagnoseObserved(facts, { message: 'Unauthorized' });
    return Object.fromEntries(passwordCauses.map((id) => [id, r.causes.find((c) => c.id === id)?.status ?? '(absent)']));
  };

  it('a server that accepts Basic → ok; for "Unauthorized" the password causes are ruled out', async () => {
    const { result, log } = await endpoint({ challenges: [`Basic realm="${host}"`] }, { email: user.email, password: user.password });
    expect(log.signedIn).toEqual(['Basic']);
    expect(result.facts.ewsSignIn).toBe('ok');
    const statuses = await statusOf(result.facts);
    for (const id of passwordCauses) expect(statuses[id], id).toBe('ruled-out');
  });

  it('a server that answers 401 to NTLM and Basic → refused; the password causes stay open', async () => {
    // Signing in with the e-mail address: a DOMAIN\user name would rule out needs-domain-username by itself.
    const { result, log } = await endpoint({ challenges: ['NTLM', 'Basic realm=""'] }, { email: user.email, password: 'not-the-password' });
    expect(log.signedIn).toEqual([]);
    expect(log.ntlmUsers).toEqual([`\\${user.email}`]); // NTLM really sent the (wrong) password
    expect(log.authorization.some((a) => a.startsWith('Basic '))).toBe(true);
    expect(result.facts.ewsSignIn).toBe('refused');
    const statuses = await statusOf(result.facts);
    for (const id of passwordCauses) expect(statuses[id], id).not.toBe('ruled-out');
    expect(statuses['credentials-wrong']).toBe('likely');
  });

  it('an EWS error after signing in (ErrorNonExistentMailbox) is still ok', async () => {
    const { result } = await endpoint(
      { challenges: ['NTLM'], answer: (op) => ({ status: 200, xml: soapEnvelope(responseMessage(op, 'ErrorNonExistentMailbox', 'The SMTP address has no mailbox associated with it.')) }) },
      { username: ntlmUser, email: 'shared@example.test', password: user.password },
    );
    expect(step(result, 'ews')).toMatchObject({ status: 'failed', errorCode: 'ErrorNonExistentMailbox' });
    expect(result.facts).toMatchObject({ ewsSignIn: 'ok', ewsErrorCode: 'ErrorNonExistentMailbox' });
  });

  it('a SOAP fault with HTTP 500 after signing in is ok', async () => {
    const { result } = await endpoint(
      { challenges: ['Basic realm=""'], answer: () => ({ status: 500, xml: soapFault('ErrorInvalidServerVersion', 'The specified server version is invalid.') }) },
      { email: user.email, password: user.password },
    );
    expect(result.facts.ewsSignIn).toBe('ok');
  });

  it('unset without a password, and when the call is not made (only OAuth offered)', async () => {
    const none = await endpoint({ challenges: ['NTLM', 'Basic realm=""'] }, { email: user.email });
    expect(none.result.facts.ewsSignIn).toBeUndefined();
    const oauth = await endpoint({ challenges: ['Bearer'] }, { email: user.email, password: user.password });
    expect(step(oauth.result, 'ews').status).toBe('skipped');
    expect(oauth.result.facts.ewsSignIn).toBeUndefined();
  });

  it('unset when the credentials get 403 (neither past authentication nor a 401)', async () => {
    let asked = false;
    const server = await serve((req, res) => {
      if (!req.headers.authorization) {
        asked = true;
        res.statusCode = 401;
        res.setHeader('WWW-Authenticate', 'Basic realm=""');
        res.end();
        return;
      }
      res.statusCode = 403;
      res.end('Forbidden');
    });
    const r = await run(server, { email: user.email, password: user.password });
    expect(asked).toBe(true);
    expect(step(r, 'ews')).toMatchObject({ status: 'failed', errorCode: 'HTTP_403' });
    expect(r.facts.ewsSignIn).toBeUndefined();
  });

  it('unset when the connection breaks during the authenticated call', async () => {
    const server = await serve((req, res) => {
      if (!req.headers.authorization) {
        res.statusCode = 401;
        res.setHeader('WWW-Authenticate', 'Basic realm=""');
        res.end();
        return;
      }
      req.socket.destroy();
    });
    const r = await run(server, { email: user.email, password: user.password });
    expect(step(r, 'ews').status).toBe('failed');
    expect(r.facts.ewsSignIn).toBeUndefined();
  });
});

describe('versions from headers', () => {
  it('old X-OWA-Version (Exchange 2010 SP1) → version-too-old', async () => {
    const { result } = await endpoint({ challenges: ['NTLM'], headers: { 'X-OWA-Version': '14.1.218.15' } });
    expect(result.facts.serverVersion).toBe('14.1.218.15');
    expect(step(result, 'http').details).toMatchObject({ xOwaVersion: '14.1.218.15', serverVersionSource: 'X-OWA-Version' });
    expect(await topCause(result.facts, { symptom: 'version-unsupported' })).toEqual({ id: 'version-too-old', status: 'confirmed' });
  });

  it('new X-OWA-Version (Exchange 2019) → version-too-old ruled out', async () => {
    const { result } = await endpoint({ challenges: ['NTLM'], headers: { 'X-OWA-Version': '15.2.1544.4' } });
    expect(result.facts.serverVersion).toBe('15.2.1544.4');
    const r = await (await import('./_diagnose.ts')).diagnoseObserved(result.facts, { symptom: 'version-unsupported' });
    expect(r.causes.find((c) => c.id === 'version-too-old')?.status).toBe('ruled-out');
  });

  it('X-ServerApplication in the long form is normalised (15.01.2176.009 → 15.1.2176.9)', async () => {
    const { result } = await endpoint({ challenges: ['NTLM'], headers: { 'X-ServerApplication': 'Exchange/15.01.2176.009' } });
    expect(result.facts.serverVersion).toBe('15.1.2176.9');
  });
});

describe('redirects and sign-in pages', () => {
  const logonPage = (version: string) =>
    `<!DOCTYPE html><html><head><title>Outlook</title><link rel="stylesheet" href="/owa/${version}/themes/resources/logon.css"></head><body><form action="/owa/auth.owa" method="POST"></form></body></html>`;

  it('a 302 to /owa/auth/logon.aspx is followed on the same host; the build comes from the page → url-redirects-to-owa', async () => {
    const server = await serve((req, res) => {
      if (req.url.startsWith('/owa/auth/logon.aspx')) {
        res.setHeader('Content-Type', 'text/html; charset=utf-8');
        res.end(logonPage('14.3.513.0'));
        return;
      }
      res.statusCode = 302;
      res.setHeader('Location', `/owa/auth/logon.aspx?replaceCurrent=1&url=https%3a%2f%2f${host}%2fowa%2f`);
      res.end();
    });
    const r = await run(server);
    const location = `https://${host}:${server.port}/owa/auth/logon.aspx?replaceCurrent=1&url=https%3a%2f%2f${host}%2fowa%2f`;
    expect(r.facts).toMatchObject({ httpStatus: 302, redirectLocation: location, serverVersion: '14.3.513.0' });
    expect(step(r, 'http')).toMatchObject({ status: 'warning', details: { signInPage: 'owa', serverVersionSource: 'OWA page asset path' } });
    const hops = (step(r, 'http').details as { hops: { method: string; status: number }[] }).hops;
    expect(hops.map((h) => [h.method, h.status])).toEqual([['POST', 302], ['GET', 200]]);
    expect(await topCause(r.facts, { symptom: 'url-invalid' })).toEqual({ id: 'url-redirects-to-owa', status: 'confirmed' });
  });

  it('a redirect to the Microsoft sign-in page is recorded, never fetched → url-redirects-to-owa', async () => {
    const lookup = loopbackLookup();
    const server = await serve((_req, res) => {
      res.statusCode = 302;
      res.setHeader('Location', 'https://login.microsoftonline.com/common/oauth2/authorize?client_id=00000002-0000-0ff1-ce00-000000000000&redirect_uri=https%3a%2f%2foutlook.office365.com%2fowa%2f');
      res.end();
    });
    const r = await run(server, { lookup });
    expect(lookup.asked).toEqual([host]);
    expect(r.facts.redirectLocation).toMatch(/^https:\/\/login\.microsoftonline\.com\/common\/oauth2\/authorize\?client_id=/);
    expect(step(r, 'http').details).toMatchObject({ signInPage: 'microsoft', hops: [{ status: 302, note: expect.stringMatching(/not followed: another host \(Microsoft sign-in page\)/) }] });
    expect(await topCause(r.facts, { symptom: 'connect-failed' })).toEqual({ id: 'url-redirects-to-owa', status: 'confirmed' });
  });

  it('an AD FS redirect is recognised', async () => {
    const server = await serve((_req, res) => {
      res.statusCode = 302;
      res.setHeader('Location', `https://sts.example.test/adfs/ls/?wa=wsignin1.0&wtrealm=https%3a%2f%2f${host}%2fowa%2f`);
      res.end();
    });
    const r = await run(server);
    expect(step(r, 'http').details).toMatchObject({ signInPage: 'adfs' });
    expect(await topCause(r.facts, { symptom: 'connect-failed' })).toEqual({ id: 'url-redirects-to-owa', status: 'confirmed' });
  });

  it('440 Login Timeout is OWA forms authentication → url-redirects-to-owa', async () => {
    const server = await serve((_req, res) => {
      res.statusCode = 440;
      res.end();
    });
    const r = await run(server);
    expect(r.facts.httpStatus).toBe(440);
    expect(step(r, 'http').details).toMatchObject({ signInPage: 'owa' });
    expect(await topCause(r.facts, { symptom: 'connect-failed' })).toEqual({ id: 'url-redirects-to-owa', status: 'confirmed' });
  });

  it('a redirect loop stops at the redirect limit', async () => {
    const server = await serve((req, res) => {
      const n = Number(/n=(\d+)/.exec(req.url)?.[1] ?? 0);
      res.statusCode = 302;
      res.setHeader('Location', `/EWS/Exchange.asmx?n=${n + 1}`);
      res.end();
    });
    const r = await run(server, { maxRedirects: 3 });
    const hops = (step(r, 'http').details as { hops: { note?: string }[] }).hops;
    expect(server.requests).toHaveLength(4);
    expect(hops).toHaveLength(4);
    expect(hops.at(-1)!.note).toMatch(/redirect limit \(3\)/);
    expect(r.facts.redirectLocation).toBe(`https://${host}:${server.port}/EWS/Exchange.asmx?n=1`);
    // A redirect to EWS itself is no sign-in page: nothing is confirmed.
    expect((await topCause(r.facts, { symptom: 'connect-failed' })).status).toBe('possible');
  });

  it('307 repeats the POST with its body; 302 turns it into GET', async () => {
    const server = await serve((req, res) => {
      if (req.url === '/EWS/Exchange.asmx') {
        res.statusCode = 307;
        res.setHeader('Location', '/ews/exchange.asmx');
        res.end();
        return;
      }
      res.statusCode = 401;
      res.setHeader('WWW-Authenticate', 'NTLM');
      res.end();
    });
    const r = await run(server);
    expect(server.requests.map((q) => [q.method, q.url, q.body.includes('GetFolder')])).toEqual([
      ['POST', '/EWS/Exchange.asmx', true],
      ['POST', '/ews/exchange.asmx', true],
    ]);
    expect(r.facts).toMatchObject({ httpStatus: 307, authSchemes: ['NTLM'] });
  });

  it('the OWA URL itself: the URL step suggests the EWS URL; its sign-in page is recognised', async () => {
    const server = await serve((_req, res) => {
      res.setHeader('Content-Type', 'text/html');
      res.setHeader('X-OWA-Version', '15.1.2507.6');
      res.end(logonPage('15.1.2507.6'));
    });
    const r = await run(server, {}, '/owa/');
    expect(step(r, 'url')).toMatchObject({ status: 'warning', details: { isEwsEndpoint: false, suggestedEwsUrl: `https://${host}:${server.port}/EWS/Exchange.asmx` } });
    expect(step(r, 'http').details).toMatchObject({ signInPage: 'owa' });
    expect(await topCause(r.facts, { symptom: 'url-invalid' })).toMatchObject({ id: 'url-not-ews-endpoint', status: 'confirmed' });
  });
});

describe('EWS answers', () => {
  it('ErrorNonExistentMailbox from GetFolder on the given address → mailbox-no-smtp-address, likely (a moved mailbox answers the same)', async () => {
    const { result, server } = await endpoint(
      { challenges: ['NTLM'], answer: (op) => ({ status: 200, xml: soapEnvelope(responseMessage(op, 'ErrorNonExistentMailbox', 'The SMTP address has no mailbox associated with it.')) }) },
      { username: ntlmUser, email: 'shared@example.test', password: user.password },
    );
    expect(server.requests.at(-1)!.body).toContain('<t:EmailAddress>shared@example.test</t:EmailAddress>');
    expect(result.facts).toMatchObject({ ewsErrorCode: 'ErrorNonExistentMailbox', serverVersion: '15.1.2507.6' });
    expect(step(result, 'ews')).toMatchObject({ status: 'failed', errorCode: 'ErrorNonExistentMailbox', details: { responseClass: 'Error', messageText: 'The SMTP address has no mailbox associated with it.' } });
    expect(await topCause(result.facts, { symptom: 'connect-failed' })).toEqual({ id: 'mailbox-no-smtp-address', status: 'likely' });
    expect(await topCause(result.facts, { symptom: 'connect-failed', facts: { smtpAddressPresent: false } })).toEqual({ id: 'mailbox-no-smtp-address', status: 'confirmed' });
  });

  it('ErrorSendAsDenied from the explicit test message → send-as-permission-missing', async () => {
    const { result, server } = await endpoint(
      {
        challenges: ['NTLM', 'Basic realm=""'],
        answer: (op) =>
          op === 'GetFolder'
            ? { status: 200, xml: soapEnvelope(responseMessage(op, 'NoError')) }
            : { status: 200, xml: soapEnvelope(responseMessage(op, 'ErrorSendAsDenied', 'The user account which was used to submit this request does not have the right to send mail on behalf of the specified sending account.')) },
      },
      { username: ntlmUser, email: 'sales@example.test', password: user.password, sendTestTo: 'jdoe@example.test' },
    );
    const create = server.requests.find((q) => q.body.includes('CreateItem'));
    expect(create?.body).toMatch(/<t:From><t:Mailbox><t:EmailAddress>sales@example.test</);
    expect(step(result, 'ews').status).toBe('ok');
    expect(step(result, 'send')).toMatchObject({ status: 'failed', errorCode: 'ErrorSendAsDenied', details: { operation: 'CreateItem' } });
    expect(result.facts.ewsErrorCode).toBe('ErrorSendAsDenied');
    expect(await topCause(result.facts, { symptom: 'test-email-failed' })).toEqual({ id: 'send-as-permission-missing', status: 'confirmed' });
  });

  it('no test message unless asked for', async () => {
    const { result, server } = await endpoint({ challenges: ['NTLM'] }, { username: ntlmUser, password: user.password });
    expect(server.requests.some((q) => q.body.includes('CreateItem'))).toBe(false);
    expect(step(result, 'send')).toMatchObject({ status: 'skipped', summary: 'not run: no test message requested' });
  });

  it('a SOAP fault ErrorInvalidServerVersion with HTTP 500 → version-too-old', async () => {
    const { result } = await endpoint(
      { challenges: ['Basic realm=""'], answer: () => ({ status: 500, xml: soapFault('ErrorInvalidServerVersion', 'The specified server version is invalid.') }) },
      { email: user.email, password: user.password },
    );
    expect(result.facts.ewsErrorCode).toBe('ErrorInvalidServerVersion');
    // The probe asked for the CRM's version (Exchange2010_SP2): its refusal is what confirms the cause.
    expect(result.facts.requestedVersionRefused).toBe(true);
    expect(step(result, 'ews')).toMatchObject({ status: 'failed', errorCode: 'ErrorInvalidServerVersion', details: { status: 500 } });
    expect(await topCause(result.facts, { symptom: 'version-unsupported' })).toEqual({ id: 'version-too-old', status: 'confirmed' });
  });

  it('ServerVersionInfo without the four numbers gives no serverVersion (Version="V2_68" is a schema name)', async () => {
    const { result } = await endpoint(
      { challenges: ['NTLM'], answer: (op) => ({ status: 200, xml: soapEnvelope(responseMessage(op, 'NoError')).replace(/MajorVersion="15" MinorVersion="1" MajorBuildNumber="2507" MinorBuildNumber="6" /, '') }) },
      { username: ntlmUser, password: user.password },
    );
    expect(step(result, 'ews').status).toBe('ok');
    expect(result.facts.serverVersion).toBeUndefined();
  });

  it('a server that answers with invalid XML: no ResponseCode is read from it', async () => {
    const { result } = await endpoint(
      { challenges: ['NTLM'], answer: () => ({ status: 200, xml: '<?xml version="1.0"?><s:Envelope><s:Body><m:GetFolderResponse><m:ResponseCode>ErrorAccessDenied</m:ResponseCode></s:Body>' }) },
      { username: ntlmUser, password: user.password },
    );
    expect(result.facts.ewsErrorCode).toBeUndefined();
    expect(step(result, 'ews')).toMatchObject({ status: 'failed', errorCode: 'HTTP_200', details: { invalidXml: true } });
    expect(step(result, 'ews').summary).toMatch(/not valid XML/);
  });

  it('a login page served with credentials (200 text/html) is not XML', async () => {
    const { result } = await endpoint({ challenges: ['Basic realm=""'], answer: () => ({ status: 200, xml: '<html><head><title>Outlook</title></head><body>sign in</body></html>' }) }, { email: user.email, password: user.password });
    expect(step(result, 'ews')).toMatchObject({ status: 'failed' });
  });
});

describe('plain http', () => {
  it('http:// gets no TLS step, never sends the password, and gives url-malformed', async () => {
    const { handler, log } = ewsEndpoint({ challenges: ['Basic realm=""'] });
    const server = await httpServer(handler);
    await fixture.keep(server);
    const r = await probe(server.url(), { lookup: loopbackLookup(), email: user.email, password: user.password, stepTimeoutMs: 3000 });
    expect(step(r, 'tls')).toMatchObject({ status: 'skipped', summary: 'plain http: no TLS' });
    expect(step(r, 'ews')).toMatchObject({ status: 'skipped', summary: 'not run: credentials are only sent over https' });
    expect(log.authorization).toEqual([]);
    expect(r.facts.certTrusted).toBeUndefined();
    expect(await topCause(r.facts, { symptom: 'url-invalid' })).toEqual({ id: 'url-malformed', status: 'confirmed' });
  });

  it('an untrusted certificate: the password is not sent', async () => {
    const { handler, log } = ewsEndpoint({ challenges: ['Basic realm=""'] });
    const server = await httpsServer(fixture.pki.selfSigned, handler);
    await fixture.keep(server);
    const r = await probe(server.url(), { ca: fixture.pki.rootPem, lookup: loopbackLookup(), email: user.email, password: user.password, stepTimeoutMs: 3000 });
    expect(r.facts.httpStatus).toBe(401);
    expect(step(r, 'ews').summary).toMatch(/certificate does not verify/);
    expect(log.authorization).toEqual([]);
  });
});

describe('where a redirect chain ends decides the sign-in page', () => {
  it('the OWA URL redirecting to the Microsoft sign-in page is a Microsoft sign-in', async () => {
    const server = await serve((_req, res) => {
      res.statusCode = 302;
      res.setHeader('Location', 'https://login.microsoftonline.com/common/oauth2/authorize?client_id=00000002-0000-0ff1-ce00-000000000000');
      res.end();
    });
    const r = await run(server, {}, '/owa/');
    expect(step(r, 'http').details).toMatchObject({ signInPage: 'microsoft' });
    expect(step(r, 'http').summary).toMatch(/Microsoft sign-in page/);
  });
});
