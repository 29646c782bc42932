import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/index.ts';
import { type CliIo, runProbe } from '../../src/cli/probe.ts';
import { KbError } from '../../src/index.ts';
import { ewsEndpoint, exchangeHeaders, responseMessage, soapEnvelope, user } from './_ews.ts';
import { createPki, type TestPki } from './_pki.ts';
import { httpsServer, type TestServer } from './_servers.ts';

let pki: TestPki;
let dir: string;
let caFile: string;
const servers: TestServer[] = [];

beforeAll(async () => {
  pki = await createPki();
  dir = mkdtempSync(join(tmpdir(), 'kb-probe-'));
  caFile = join(dir, 'root.pem');
  writeFileSync(caFile, pki.rootPem);
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
  delete process.env['KB_PROBE_PASSWORD'];
});

/** Every form the password could take in output. */
const secretForms = [user.password, Buffer.from(`${user.email}:${user.password}`).toString('base64'), Buffer.from(`${user.domain}\\${user.name}:${user.password}`).toString('base64'), Buffer.from(user.password).toString('base64'), encodeURIComponent(user.password)];

function expectNoSecret(text: string): void {
  for (const s of secretForms) expect(text).not.toContain(s);
}

/** Streams for one command: stdin with the given text, stdout and stderr captured. */
function fakeIo(stdinText: string | null, env: Record<string, string> = {}, tty = false): CliIo & { out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = Object.assign(new PassThrough(), { isTTY: tty, columns: 100 });
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const stdin = Object.assign(Readable.from(stdinText === null ? [] : [Buffer.from(stdinText)]), { isTTY: stdinText === null && tty });
  return { stdin, stdout, stderr, env, out: () => out, err: () => err };
}

/** Captures what main() writes to the process streams. */
function captureProcess(): { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => ((out += String(c)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => ((err += String(c)), true));
  return { out: () => out, err: () => err };
}

async function loopbackEndpoint(script: Parameters<typeof ewsEndpoint>[0], creds = pki.loopback) {
  const { handler, log } = ewsEndpoint(script);
  const server = await httpsServer(creds, handler);
  servers.push(server);
  return { url: server.url('/EWS/Exchange.asmx', '127.0.0.1'), log };
}

describe('kb probe', () => {
  it('text report; the password comes from standard input and appears nowhere', async () => {
    const { url, log } = await loopbackEndpoint({ challenges: ['Negotiate', 'NTLM'], headers: exchangeHeaders });
    const io = fakeIo(`${user.password}\n`);
    const result = await runProbe(url, { username: `${user.domain}\\${user.name}`, email: user.email, passwordStdin: true, ca: caFile, format: 'text' }, io);
    expect(log.signedIn).toEqual(['NTLM']);
    expect(io.out()).toMatch(/ok +ews +GetFolder signed in with NTLM: NoError, Exchange 15\.1\.2507\.6/);
    expect(io.out()).toMatch(/serverVersion +15\.1\.2507\.6/);
    expect(io.out()).toContain('kb diagnose --probe');
    expect(io.err()).toBe(''); // no progress line when stderr is not a terminal
    expectNoSecret(io.out() + io.err() + JSON.stringify(result));
  });

  it('JSON report with the password from KB_PROBE_PASSWORD (Basic)', async () => {
    const { url, log } = await loopbackEndpoint({ challenges: ['Basic realm="127.0.0.1"'] });
    const io = fakeIo(null, { KB_PROBE_PASSWORD: user.password });
    await runProbe(url, { email: user.email, ca: caFile, format: 'json' }, io);
    expect(log.signedIn).toEqual(['Basic']);
    const parsed = JSON.parse(io.out()) as { facts: Record<string, unknown>; steps: { step: string; status: string }[] };
    expect(parsed.facts).toMatchObject({ url, httpStatus: 401, authSchemes: ['Basic'], certTrusted: true, serverVersion: '15.1.2507.6' });
    expect(parsed.steps.map((s) => s.step)).toEqual(['url', 'dns', 'tcp', 'tls', 'http', 'ews', 'send']);
    expectNoSecret(io.out() + io.err());
  });

  it('a server that echoes the password back: it is redacted from the report', async () => {
    const { url } = await loopbackEndpoint({
      challenges: ['Basic realm=""'],
      answer: (op) => ({ status: 200, xml: soapEnvelope(responseMessage(op, 'ErrorAccessDenied', `Access denied for password ${user.password.replace(/&/g, '&amp;')}`)) }),
    });
    const io = fakeIo(null, { KB_PROBE_PASSWORD: user.password });
    const result = await runProbe(url, { email: user.email, ca: caFile, format: 'json' }, io);
    expect(result.facts.ewsErrorCode).toBe('ErrorAccessDenied');
    expect(io.out()).toContain('[redacted]');
    expectNoSecret(io.out() + io.err());
  });

  it('a wrong password and a failing server: still no password in any output', async () => {
    const { url } = await loopbackEndpoint({ challenges: ['NTLM', 'Basic realm=""'] });
    const io = fakeIo(`${user.password}-wrong\n`);
    const result = await runProbe(url, { email: user.email, passwordStdin: true, ca: caFile, format: 'text' }, io);
    expect(result.steps.find((s) => s.step === 'ews')).toMatchObject({ status: 'failed', errorCode: 'HTTP_401' });
    expectNoSecret(io.out() + io.err());
    expect(io.out()).not.toContain(`${user.password}-wrong`);
  });

  it('a live progress line on a terminal, on stderr only', async () => {
    const { url } = await loopbackEndpoint({ challenges: ['NTLM'] });
    const io = fakeIo(null, {}, true);
    await runProbe(url, { ca: caFile, format: 'json' }, io);
    expect(io.err()).toContain('\r\x1b[2K');
    expect(io.err()).toMatch(/TLS handshake with 127\.0\.0\.1:\d+ … \d+\.\d s \(limit 10 s\)/);
    expect(io.err().endsWith('\r\x1b[2K')).toBe(true); // erased at the end
    expect(() => JSON.parse(io.out())).not.toThrow();
  });

  it('refuses --password-stdin on a terminal, and an empty standard input', async () => {
    await expect(runProbe('https://127.0.0.1:1/', { passwordStdin: true }, fakeIo(null, {}, true))).rejects.toMatchObject({ code: 'REQUEST_INVALID' });
    await expect(runProbe('https://127.0.0.1:1/', { passwordStdin: true }, fakeIo(''))).rejects.toMatchObject({ code: 'REQUEST_INVALID' });
  });

  it('refuses a password given as an argument, without echoing it (exit 2)', async () => {
    const captured = captureProcess();
    const code = await main(['node', 'kb', 'probe', 'https://127.0.0.1:1/EWS/Exchange.asmx', `--password=${user.password}`]);
    expect(code).toBe(2);
    expect(captured.err()).toMatch(/not accepted as an argument/);
    expectNoSecret(captured.out() + captured.err());
  });

  it('kb probe through main(): JSON on stdout, exit 0; a garbage URL exits 5 with PROBE_FAILED', async () => {
    const { url } = await loopbackEndpoint({ challenges: ['NTLM'] });
    let captured = captureProcess();
    expect(await main(['node', 'kb', 'probe', url, '--ca', caFile, '--format', 'json', '--timeout', '3'])).toBe(0);
    expect(JSON.parse(captured.out())).toMatchObject({ facts: { httpStatus: 401, authSchemes: ['NTLM'], certTrusted: true } });
    vi.restoreAllMocks();
    captured = captureProcess();
    expect(await main(['node', 'kb', 'probe', 'ftp://mail.example.test/'])).toBe(5);
    expect(captured.err()).toMatch(/PROBE_FAILED: Cannot probe "ftp:\/\/mail\.example\.test\/": the scheme "ftp" is not http or https/);
  });

  it('a missing --ca file is an input error', async () => {
    await expect(runProbe('https://127.0.0.1:1/', { ca: join(dir, 'missing.pem') }, fakeIo(null))).rejects.toBeInstanceOf(KbError);
  });
});

describe('kb probe --lang de', () => {
  const username = `${user.domain}\\${user.name}`;

  it('the text report is German; the JSON facts are the same in both languages', async () => {
    const { url } = await loopbackEndpoint({ challenges: ['Negotiate', 'NTLM'], headers: exchangeHeaders });
    const de = fakeIo(null, { KB_PROBE_PASSWORD: user.password });
    await runProbe(url, { username, email: user.email, ca: caFile, format: 'text', lang: 'de' }, de);
    const text = de.out();
    expect(text).toMatch(/^Prüfung von https:\/\/127\.0\.0\.1:\d+\/EWS\/Exchange\.asmx \(\d+,\d\d s\)/);
    expect(text).toMatch(/ok +ews +GetFolder mit NTLM angemeldet: NoError, Exchange 15\.1\.2507\.6/);
    expect(text).toMatch(/ok +tls +Zertifikat für .*, ausgestellt von .*, gültig bis \d{4}-\d\d-\d\d/);
    expect(text).toMatch(/ausgelassen +send +nicht ausgeführt: keine Testnachricht angefordert/);
    expect(text).toContain('Festgestellte Fakten:');
    expect(text).toContain(`Mit diesen Fakten diagnostizieren: kb diagnose --probe ${JSON.stringify(url)} --lang de`);
    for (const english of ['not run', 'signed in with', 'certificate for', 'Observed facts', 'Diagnose with']) expect(text).not.toContain(english);
    expectNoSecret(text);

    const json = async (lang: 'de' | 'en') => {
      const io = fakeIo(null, { KB_PROBE_PASSWORD: user.password });
      await runProbe(url, { username, email: user.email, ca: caFile, format: 'json', lang }, io);
      return JSON.parse(io.out()) as { facts: Record<string, unknown>; steps: { step: string; status: string; summary: string; errorCode?: string }[] };
    };
    const [inGerman, inEnglish] = [await json('de'), await json('en')];
    expect(inGerman.facts).toEqual(inEnglish.facts);
    expect(inGerman.facts).toMatchObject({ ewsSignIn: 'ok', serverVersion: '15.1.2507.6', httpStatus: 401 });
    // Same steps, statuses and codes; only the people's lines differ.
    const shape = (r: typeof inGerman) => r.steps.map((s) => [s.step, s.status, s.errorCode]);
    expect(shape(inGerman)).toEqual(shape(inEnglish));
    expect(inGerman.steps.find((s) => s.step === 'ews')?.summary).toMatch(/^GetFolder mit NTLM angemeldet/);
    expect(inEnglish.steps.find((s) => s.step === 'ews')?.summary).toMatch(/^GetFolder signed in with NTLM/);
  });

  it('a refused sign-in and the skipped steps in German; error codes stay English', async () => {
    const { url } = await loopbackEndpoint({ challenges: ['NTLM', 'Basic realm=""'] });
    const io = fakeIo(null, { KB_PROBE_PASSWORD: 'not-the-password' });
    const result = await runProbe(url, { email: user.email, ca: caFile, format: 'text', lang: 'de' }, io);
    expect(result.facts.ewsSignIn).toBe('refused');
    expect(io.out()).toMatch(/FEHLER +ews +GetFolder: der Server hat die Zugangsdaten abgelehnt \(401 mit NTLM, Basic\) \[HTTP_401\]/);
    expect(io.out()).toMatch(/ok +http +POST \/EWS\/Exchange\.asmx → 401, angebotene Anmeldeverfahren: NTLM, Basic/);
    expect(io.out()).toMatch(/ewsSignIn +refused/);
  });

  it('the progress line is German, and main() takes --lang de', async () => {
    const { url } = await loopbackEndpoint({ challenges: ['NTLM'] });
    const io = fakeIo(null, {}, true);
    await runProbe(url, { ca: caFile, format: 'json', lang: 'de' }, io);
    expect(io.err()).toMatch(/TLS-Handshake mit 127\.0\.0\.1:\d+ … \d+,\d s \(Limit 10 s\)/);
    const captured = captureProcess();
    expect(await main(['node', 'kb', 'probe', url, '--ca', caFile, '--timeout', '3', '--lang', 'de'])).toBe(0);
    expect(captured.out()).toMatch(/ews +nicht ausgeführt: kein Passwort angegeben/);
    expect(captured.out()).toContain('Festgestellte Fakten:');
  });

  it('probe() refuses an unknown language', async () => {
    const { probe } = await import('../../src/probe/index.ts');
    await expect(probe('https://127.0.0.1:1/EWS/Exchange.asmx', { lang: 'fr' as 'de' })).rejects.toMatchObject({ code: 'PROBE_FAILED', field: 'lang' });
  });
});

describe('kb diagnose --probe', () => {
  it('probes first and diagnoses with the observed facts (self-signed → cert causes confirmed); the password is not sent', async () => {
    const { url, log } = await loopbackEndpoint({ challenges: ['NTLM', 'Basic realm=""'] }, pki.selfSigned);
    process.env['KB_PROBE_PASSWORD'] = user.password;
    const captured = captureProcess();
    const code = await main(['node', 'kb', 'diagnose', 'Exchange URL is invalid', '--probe', url, '--fact', `email=${user.email}`, '--format', 'json']);
    expect(code).toBe(0);
    const result = JSON.parse(captured.out()) as { symptom: { id: string }; causes: { id: string; status: string }[]; facts: Record<string, unknown> };
    expect(result.symptom.id).toBe('url-invalid');
    expect(result.facts).toMatchObject({ url, certTrusted: false, clientErrorCode: 'DEPTH_ZERO_SELF_SIGNED_CERT', httpStatus: 401, email: user.email });
    // An IP address in the URL never matches the certificate's DNS names, so both certificate causes are confirmed.
    expect(result.causes.slice(0, 2).map((c) => [c.id, c.status]).sort()).toEqual([
      ['cert-name-mismatch', 'confirmed'],
      ['cert-untrusted-or-expired', 'confirmed'],
    ]);
    expect(log.authorization).toEqual([]);
    expectNoSecret(captured.out() + captured.err());
  });

  it('--password-stdin cannot share standard input with --input -', async () => {
    const captured = captureProcess();
    expect(await main(['node', 'kb', 'diagnose', '--input', '-', '--probe', 'https://127.0.0.1:1/', '--password-stdin'])).toBe(2);
    expect(captured.err()).toMatch(/REQUEST_INVALID/);
  });
});

describe('kb diagnose refuses a password argument', () => {
  it('without echoing it (exit 2)', async () => {
    const captured = captureProcess();
    expect(await main(['node', 'kb', 'diagnose', 'Unauthorized', `--password=${user.password}`])).toBe(2);
    expect(captured.err()).toMatch(/not accepted as an argument/);
    expectNoSecret(captured.out() + captured.err());
  });
});
