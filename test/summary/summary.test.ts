import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKnowledgeBase } from '../../src/engine/knowledge-base.ts';
import type { DiagnoseRequest } from '../../src/index.ts';
import { call, type McpSession, startMcp, textOf } from '../mcp/_client.ts';
import { runKb } from '../_support/cli.ts';
import { errorOf, startTestServer, type TestServer } from '../server/helpers.ts';

/** The case summary: one renderer, the same text from the API, the CLI and MCP. */
let server: TestServer;
let mcp: McpSession;
beforeAll(async () => {
  server = await startTestServer({ kb: loadKnowledgeBase() });
  mcp = await startMcp();
}, 30_000);
afterAll(async () => {
  await mcp?.close();
  await server?.close();
});

const cli = (args: string[], input?: string) => runKb(args, { input: input ?? '' });

async function api(request: DiagnoseRequest, query = ''): Promise<Response> {
  return server.post(`/v1/summary${query}`, request);
}

const cases: [string, DiagnoseRequest][] = [
  [
    'a confirmed German case with an unknown answer',
    { message: 'Nicht autorisiert', facts: { credentialsWorkInWebmail: true, extendedProtectionEnabled: true, url: 'https://mail.example.com/EWS/Exchange.asmx' }, unknown: ['serverVersion'], lang: 'de' },
  ],
  ['an open English case', { message: 'The remote server returned an error: (401) Unauthorized.', lang: 'en' }],
  ['an unclear case without a known message', { message: 'Something odd happened in the CRM', lang: 'en' }],
  ['observed facts from a live test', { message: 'Exchange URL is invalid', observed: { dnsResolves: true, tcpReachable: false }, facts: { url: 'https://mail.example.com/owa/' }, lang: 'en' }],
];

describe('the same summary everywhere', () => {
  it.each(cases)('%s: POST /v1/summary, kb diagnose --format summary and the MCP tool case_summary give the same text', async (_name, request) => {
    const res = await api(request);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    expect(res.headers.get('content-language')).toBe(request.lang);
    const fromApi = await res.text();
    const fromCli = await cli(['diagnose', '--input', '-', '--format', 'summary'], JSON.stringify(request));
    expect(fromCli.code).toBe(0);
    const fromMcp = await call(mcp, 'case_summary', request as Record<string, unknown>);
    expect(fromMcp.isError).toBeFalsy();
    expect(fromCli.stdout).toBe(fromApi);
    expect(textOf(fromMcp)).toBe(fromApi);
    expect((fromMcp.structuredContent as { markdown: string; lang: string }).markdown).toBe(fromApi);
  }, 30_000);
});

describe('what the summary holds', () => {
  it('the message as pasted, facts as question → answer, the top cause with status and why, ruled out, the fix and what IT is asked, the version', async () => {
    const text = await (await api(cases[0]![1])).text();
    expect(text).toMatch(/^# Fallzusammenfassung: Nicht autorisiert\n/);
    expect(text).toContain('## Meldung wie eingefügt\n\n```text\nNicht autorisiert\n```');
    // Questions and answers in the person's words, never fact ids.
    expect(text).toContain('- Können Sie sich mit genau demselben Benutzernamen und Passwort in der Webmail (Outlook im Web) anmelden? → ja');
    expect(text).toContain('→ `https://mail.example.com/EWS/Exchange.asmx`');
    expect(text).toMatch(/Welcher Exchange-Build läuft auf dem Server[^\n]*→ unbekannt \(gefragt\)/);
    expect(text).not.toMatch(/credentialsWorkInWebmail|extendedProtectionEnabled|serverVersion/);
    expect(text).toMatch(/### Wahrscheinlichste Ursache: Extended Protection[^\n]* — bestätigt, \d+ %/);
    expect(text).toMatch(/Begründung: Bestätigt: /);
    expect(text).toMatch(/## Ausgeschlossen\n\n- [^\n]+: Dieselbe Anmeldung funktioniert in der Webmail: ja/);
    expect(text).toContain('### So beheben Sie es');
    expect(text).toContain('### Wann Sie die IT einbeziehen');
    expect(text).toMatch(/Wissensbasis exchange-ews \d+\.\d+\.\d+\n$/);
  });

  it('an unclear case names what to collect; an open one the next question', async () => {
    const unclear = await (await api(cases[2]![1])).text();
    expect(unclear).toContain('Unclear: nothing known fits well.');
    expect(unclear).toContain('What to collect:\n- The exact error text');
    const open = await (await api(cases[1]![1])).text();
    expect(open).toMatch(/Next question: [^\n]+\?/);
  });

  it('when IT is asked next, lists every question for IT to send together instead of one next question', async () => {
    const request: DiagnoseRequest = { message: 'Nicht autorisiert', lang: 'de', facts: { credentialsWorkInWebmail: true, platform: 'on-premises', url: 'https://mail.example.com/EWS/Exchange.asmx', serverVersion: '15.2.1544.4', authSchemes: ['Negotiate', 'NTLM'], requiresDomainUsername: false } };
    const result = (await (await server.post('/v1/diagnose', request)).json()) as { itQuestions: { question: string }[] };
    expect(result.itQuestions.length).toBeGreaterThan(1);
    const text = await (await api(request)).text();
    expect(text).toContain('Fragen an die IT-Abteilung (gemeinsam senden):');
    result.itQuestions.forEach((q, i) => expect(text).toContain(`${i + 1}. ${q.question}`));
    expect(text).not.toContain('Nächste Frage:');
  });

  it('the observed facts are named as observed by the live test', async () => {
    const text = await (await api(cases[3]![1])).text();
    expect(text).toMatch(/port 443[^\n]*→ no _\(observed by the live test\)_/);
  });

  it('the page\'s permalink is shown last; a pasted message cannot close its block or become markup', async () => {
    const hostile = 'Fehler ```\n# not a heading\n<script>alert(1)</script>';
    const res = await api({ message: hostile, lang: 'de' }, `?permalink=${encodeURIComponent('http://127.0.0.1:3000/#lang=de&m=x')}`);
    const text = await res.text();
    expect(text).toContain('````text\nFehler ```\n# not a heading\n<script>alert(1)</script>\n````');
    expect(text).toMatch(/Link zu diesem Fall: <http:\/\/127\.0\.0\.1:3000\/#lang=de&m=x>\n$/);
  });

  it.each([
    ['javascript:alert(1)'],
    ['http://x/ y'],
    ['not a url'],
  ])('a permalink %j is refused with 400 naming the parameter', async (permalink) => {
    const res = await api({ message: 'Unauthorized' }, `?permalink=${encodeURIComponent(permalink)}`);
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toMatchObject({ code: 'REQUEST_INVALID', field: 'permalink' });
  });

  it('bad bodies get the API\'s errors, as /v1/diagnose does', async () => {
    expect(await errorOf(await server.postRaw('/v1/summary', '{"message": ', 'application/json'))).toMatchObject({ code: 'BAD_JSON' });
    expect(await errorOf(await api({ message: 42 } as unknown as DiagnoseRequest))).toMatchObject({ code: 'REQUEST_INVALID', field: 'message' });
    expect(await errorOf(await api({ facts: { httpStatus: 'abc' } } as unknown as DiagnoseRequest))).toMatchObject({ code: 'FACT_INVALID', field: 'facts.httpStatus' });
    expect(await errorOf(await api({ message: 'x'.repeat(20_001) }))).toMatchObject({ field: 'message' });
    const binary = await server.postRaw('/v1/summary', new Uint8Array([0xff, 0xfe, 0x00, 0x41]), 'application/json');
    expect(binary.status).toBe(400);
  });
});
