import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnose } from '../../src/engine/diagnose.ts';
import { loadKnowledgeBase } from '../../src/engine/knowledge-base.ts';
import type { DiagnoseResult } from '../../src/generated/schema-types.ts';
import { validateAgainst } from '../../src/kb/schema-validator.ts';
import { call, type McpSession, root, startMcp, textOf } from './_client.ts';

// One server for the file: `kb mcp` loads the knowledge base once, as a chatbot's session would.
let mcp: McpSession;
beforeAll(async () => {
  mcp = await startMcp();
}, 30_000);
afterAll(async () => {
  await mcp?.close();
});

const expectError = (result: Awaited<ReturnType<typeof call>>, code: string, field?: string) => {
  expect(result.isError).toBe(true);
  const text = textOf(result);
  expect(text).toContain(`Error ${code}`);
  if (field) expect(text).toContain(`in field "${field}"`);
  expect(text).not.toMatch(/\n\s+at /); // never a stack trace
  expect(result.structuredContent).toBeUndefined();
  return text;
};

describe('kb mcp: tools/list', () => {
  it('lists the five tools with self-contained input and output schemas and actionable descriptions', async () => {
    const { tools } = await mcp.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['case_summary', 'diagnose', 'get_guidance', 'list_facts', 'search_errors']);
    for (const tool of tools) {
      expect(tool.description?.length ?? 0).toBeGreaterThan(150);
      expect(tool.inputSchema.type).toBe('object');
      expect(tool.outputSchema?.type).toBe('object');
      expect(JSON.stringify(tool.inputSchema)).not.toContain('$ref');
      expect(JSON.stringify(tool.outputSchema)).not.toContain('$ref');
      expect(tool.annotations?.readOnlyHint).toBe(true);
    }
    const diagnoseTool = tools.find((t) => t.name === 'diagnose')!;
    expect(diagnoseTool.description).toMatch(/exact error text in `message`/);
    expect(diagnoseTool.description).toMatch(/list_facts/);
    const props = diagnoseTool.inputSchema.properties as Record<string, Record<string, unknown>>;
    expect(Object.keys(props)).toEqual(expect.arrayContaining(['message', 'symptom', 'facts', 'lang']));
    expect(props['message']!['maxLength']).toBe(20000);
    expect(props['symptom']!['enum']).toEqual(expect.arrayContaining(['unauthorized', 'url-invalid', 'connect-failed']));
    expect(props['facts']!['description']).toMatch(/twoFactorEnabled/);
    expect(props['lang']!['enum']).toEqual(['de', 'en']);
    expect(Object.keys(diagnoseTool.outputSchema!.properties as object)).toEqual(
      expect.arrayContaining(['symptom', 'causes', 'questions', 'facts', 'warnings', 'kb']),
    );
    const guidance = tools.find((t) => t.name === 'get_guidance')!;
    expect(guidance.inputSchema.required).toEqual(['id', 'lang']);
  });

  it('tells the model the workflow when it connects', () => {
    expect(mcp.client.getInstructions()).toMatch(/call diagnose/);
    expect(mcp.client.getServerVersion()?.name).toBe('exchange-kb');
  });
});

describe('kb mcp: diagnose', () => {
  it('recognises a German message and ranks its causes; structuredContent is the library result', async () => {
    const request = { message: 'Fehler beim Speichern: Nicht autorisiert', lang: 'de' as const };
    const result = await call(mcp, 'diagnose', request);
    expect(result.isError).toBeFalsy();
    const sc = result.structuredContent as unknown as DiagnoseResult;
    expect(sc.symptom?.id).toBe('unauthorized');
    expect(sc.symptom?.title).toBe('Nicht autorisiert');
    expect(sc.lang).toBe('de');
    const open = sc.causes.filter((c) => c.status !== 'ruled-out');
    expect(open.length).toBeGreaterThan(2);
    const scores = open.map((c) => c.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(open.map((c) => c.id)).toEqual(expect.arrayContaining(['credentials-wrong', 'needs-app-password']));
    expect(sc.questions.length).toBeGreaterThan(0);
    // Matches the project's result schema (the SDK client has already checked the published outputSchema).
    expect(validateAgainst('diagnose-result', sc)).toEqual([]);
    // And is exactly what the library returns for the same request.
    expect(sc).toEqual(await diagnose(loadKnowledgeBase(), request));
    const text = textOf(result);
    expect(text).toContain('Symptom: unauthorized "Nicht autorisiert"');
    expect(text).toContain(`1. ${open[0]!.id} [`);
    expect(text).toContain(`- ${sc.questions[0]!.fact} (`);
    expect(text.length).toBeLessThan(6000);
  }, 20_000);

  it('answers in the language of the message when lang is left out, and says why', async () => {
    const german = await call(mcp, 'diagnose', { message: 'Nicht autorisiert' });
    expect(german.structuredContent).toMatchObject({ lang: 'de', langSource: 'message', symptom: { title: 'Nicht autorisiert' } });
    expect(textOf(german)).toContain('Language: de (chosen by message).');
    const words = await call(mcp, 'diagnose', { message: 'Der Remoteserver hat einen Fehler zurückgegeben: (403) Verboten.' });
    expect(words.structuredContent).toMatchObject({ lang: 'de', langSource: 'words' });
    const code = await call(mcp, 'diagnose', { message: 'ErrorSendAsDenied' });
    expect(code.structuredContent).toMatchObject({ lang: 'en', langSource: 'default' });
  }, 20_000);

  it('confirms a cause from facts and fills the guidance with the customer\'s values', async () => {
    const result = await call(mcp, 'diagnose', {
      message: 'Exchange-URL ist ungültig',
      facts: { url: 'https://owa.contoso-test.de/owa/' },
      lang: 'de',
    });
    const sc = result.structuredContent as unknown as DiagnoseResult;
    expect(sc.symptom?.id).toBe('url-invalid');
    expect(sc.causes[0]!.id).toBe('url-not-ews-endpoint');
    expect(sc.causes[0]!.status).toBe('confirmed');
    expect(sc.causes[0]!.guidance).toContain('https://owa.contoso-test.de/EWS/Exchange.asmx');
    expect(sc.causes.at(-1)!.status).toBe('ruled-out');
    expect(textOf(result)).toMatch(/Ruled out: .*url-malformed/);
  });

  it('tells the model to send the IT department\'s questions together when IT is asked next', async () => {
    const result = await call(mcp, 'diagnose', {
      message: 'Unauthorized',
      facts: { credentialsWorkInWebmail: true, platform: 'on-premises', url: 'https://mail.example.com/EWS/Exchange.asmx', serverVersion: '15.2.1544.4', authSchemes: ['Negotiate', 'NTLM'], requiresDomainUsername: false },
    });
    const sc = result.structuredContent as unknown as DiagnoseResult;
    expect(sc.itQuestions.length).toBeGreaterThan(1);
    expect(textOf(result)).toContain(`ask them these ${sc.itQuestions.length} in one request and pass every answer: ${sc.itQuestions.map((q) => q.fact).join(', ')}.`);
  });

  it('reports an unknown fact name as a warning with a hint, in the text too', async () => {
    const result = await call(mcp, 'diagnose', { message: 'Unauthorized', facts: { twoFactorEnabld: true } });
    expect(result.isError).toBeFalsy();
    const sc = result.structuredContent as unknown as DiagnoseResult;
    expect(sc.warnings.map((w) => w.code)).toContain('FACT_UNKNOWN');
    expect(textOf(result)).toMatch(/Warning FACT_UNKNOWN \(facts\.twoFactorEnabld\).*twoFactorEnabled/);
  });

  it('answers bad arguments with isError, the code and the field', async () => {
    expectError(await call(mcp, 'diagnose', { message: 42 }), 'REQUEST_INVALID', 'message');
    expectError(await call(mcp, 'diagnose', { message: 'Unauthorized', lang: 'fr' }), 'REQUEST_INVALID', 'lang');
    expectError(await call(mcp, 'diagnose', { facts: { twoFactorEnabled: { yes: 1 } } }), 'REQUEST_INVALID', 'facts.twoFactorEnabled');
    expectError(await call(mcp, 'diagnose', { facts: 'url=x' }), 'REQUEST_INVALID', 'facts');
    expect(expectError(await call(mcp, 'diagnose', { mesage: 'Unauthorized' }), 'REQUEST_INVALID', 'mesage')).toMatch(/did you mean "message"/);
    expectError(await call(mcp, 'diagnose', { facts: { httpStatus: 'abc' } }), 'FACT_INVALID', 'facts.httpStatus');
    const text = expectError(await call(mcp, 'diagnose', { symptom: 'no-such-symptom' }), 'SYMPTOM_UNKNOWN', 'symptom');
    expect(text).toContain('unauthorized');
  });

  it('refuses a message over the size limit unread, answering its id, and keeps serving', async () => {
    // The SDK's client puts the id after the arguments: the transport finds it while skipping the message.
    const call1mb = call(mcp, 'diagnose', { message: `Nicht autorisiert ${'x'.repeat(1024 * 1024)}` });
    await expect(call1mb).rejects.toThrow(/^MCP error -32600: Error BODY_TOO_LARGE: the message is larger than 131072 bytes/);
    const again = await call(mcp, 'diagnose', { message: 'Unauthorized' });
    expect((again.structuredContent as unknown as DiagnoseResult).symptom?.id).toBe('unauthorized');
    expect(mcp.stderr()).toMatch(/refused a message \(id \d+\): Error BODY_TOO_LARGE/);
  });

  it('refuses a message nested deeper than the limit', async () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 30; i++) deep = [deep];
    await expect(call(mcp, 'diagnose', { facts: { certNames: deep } })).rejects.toThrow(/Error BODY_TOO_DEEP/);
  });

  it('refuses __proto__, constructor and prototype keys like the HTTP API (FORBIDDEN_KEY), at the top level too', async () => {
    // JSON.parse makes "__proto__" an own key, as a client's JSON would; an object literal would set the prototype instead.
    const top = JSON.parse('{"message":"Unauthorized","__proto__":{"lang":"de"}}') as Record<string, unknown>;
    expectError(await call(mcp, 'diagnose', top), 'FORBIDDEN_KEY', '__proto__');
    const nested = JSON.parse('{"facts":{"constructor":{"prototype":{"x":1}}}}') as Record<string, unknown>;
    expectError(await call(mcp, 'diagnose', nested), 'FORBIDDEN_KEY', 'facts.constructor');
  });

  it('answers a normal call sent while hostile messages are processed', async () => {
    const hostile = ['㌖', 'ﬃ', '\uFDFA', 'x', '.', 'a@'].map((unit) => call(mcp, 'diagnose', { message: unit.repeat(Math.floor(20_000 / unit.length)) }));
    const normal = await call(mcp, 'diagnose', { message: 'Nicht autorisiert', lang: 'de' });
    expect((normal.structuredContent as unknown as DiagnoseResult).symptom?.id).toBe('unauthorized');
    for (const r of await Promise.all(hostile)) expect(r.isError).toBeFalsy();
  }, 20_000);
});

describe('kb mcp: search_errors, get_guidance, list_facts', () => {
  it('search_errors finds a message typed with a typo', async () => {
    const result = await call(mcp, 'search_errors', { query: 'nciht autorisiert', limit: 3, lang: 'de' });
    expect(result.isError).toBeFalsy();
    const sc = result.structuredContent as { query: string; hits: { symptom: string; title: string; text: string }[] };
    expect(sc.hits.length).toBeGreaterThan(0);
    expect(sc.hits.length).toBeLessThanOrEqual(3);
    expect(sc.hits[0]!.symptom).toBe('unauthorized');
    expect(sc.hits[0]!.title).toBe('Nicht autorisiert');
    const texts = sc.hits.map((h) => `${h.symptom}/${h.text.toLowerCase()}`);
    expect(new Set(texts).size).toBe(texts.length);
    expect(textOf(result)).toMatch(/^1\. "Nicht autorisiert" → symptom unauthorized/m);
    expectError(await call(mcp, 'search_errors', {}), 'REQUEST_INVALID', 'query');
    expectError(await call(mcp, 'search_errors', { query: 'x', limit: 0 }), 'REQUEST_INVALID', 'limit');
    const none = await call(mcp, 'search_errors', { query: '!!!' });
    expect((none.structuredContent as { hits: unknown[] }).hits).toEqual([]);
  });

  it('get_guidance returns a page with placeholders filled, and NOT_FOUND for an unknown id', async () => {
    const result = await call(mcp, 'get_guidance', { id: 'url-not-ews-endpoint', lang: 'de', facts: { url: 'https://owa.contoso-test.de/owa/' } });
    expect(result.isError).toBeFalsy();
    const sc = result.structuredContent as { kind: string; title: string; markdown: string; related: { id: string }[] };
    expect(sc.kind).toBe('cause');
    expect(sc.markdown.startsWith(`# ${sc.title}\n`)).toBe(true);
    expect(sc.markdown).toContain('`https://owa.contoso-test.de/EWS/Exchange.asmx`');
    expect(sc.markdown).not.toMatch(/\{\{/);
    expect(sc.related.map((r) => r.id)).toContain('url-invalid');
    expect(textOf(result)).toContain(sc.markdown);

    const symptom = await call(mcp, 'get_guidance', { id: 'unauthorized', lang: 'en' });
    const ssc = symptom.structuredContent as { kind: string; related: { id: string; kind: string }[] };
    expect(ssc.kind).toBe('symptom');
    expect(ssc.related.map((r) => r.id)).toContain('credentials-wrong');

    const unknownFact = await call(mcp, 'get_guidance', { id: 'credentials-wrong', lang: 'en', facts: { email: 'anna@contoso-test.de', emial: 'x' } });
    const usc = unknownFact.structuredContent as { markdown: string; warnings: { code: string; field?: string }[] };
    expect(usc.markdown).toContain('`anna@contoso-test.de`');
    expect(usc.warnings).toEqual([expect.objectContaining({ code: 'FACT_UNKNOWN', field: 'facts.emial' })]);
    expect(textOf(unknownFact)).toMatch(/Warning FACT_UNKNOWN \(facts\.emial\)/);

    const text = expectError(await call(mcp, 'get_guidance', { id: 'cert-name-mismatsch', lang: 'en' }), 'NOT_FOUND', 'id');
    expect(text).toContain('Did you mean "cert-name-mismatch"?');
    expectError(await call(mcp, 'get_guidance', { id: 'Not An Id', lang: 'en' }), 'REQUEST_INVALID', 'id');
    expectError(await call(mcp, 'get_guidance', { id: 'unauthorized' }), 'REQUEST_INVALID', 'lang');
    expectError(await call(mcp, 'get_guidance', { id: 'unauthorized', lang: 'en', facts: { httpStatus: 'abc' } }), 'FACT_INVALID', 'facts.httpStatus');
  });

  it('list_facts returns the catalogue with questions in the asked language', async () => {
    const result = await call(mcp, 'list_facts', { lang: 'de' });
    const sc = result.structuredContent as { lang: string; facts: { id: string; type: string; source: string; cost: string; question?: string; options: { value: unknown }[] }[] };
    expect(sc.lang).toBe('de');
    const byId = new Map(sc.facts.map((f) => [f.id, f]));
    expect(byId.get('url')?.question).toBe('Welche Exchange-URL haben Sie im Verbindungsformular eingetragen?');
    expect(byId.get('twoFactorEnabled')?.options.map((o) => o.value)).toEqual([true, false]);
    expect(byId.get('platform')?.options.map((o) => o.value)).toEqual(['on-premises', 'exchange-online']);
    expect(sc.facts.some((f) => f.source === 'derived')).toBe(false);
    expect(textOf(result)).toMatch(/^- url \(url, form, user\): Welche Exchange-URL/m);

    const all = await call(mcp, 'list_facts', { includeDerived: true });
    const ids = (all.structuredContent as { facts: { id: string }[] }).facts.map((f) => f.id);
    expect(ids).toEqual(expect.arrayContaining(['urlHost', 'suggestedEwsUrl', 'email']));
    expectError(await call(mcp, 'list_facts', { lang: 'fr' }), 'REQUEST_INVALID', 'lang');
  });

  it('an unknown tool is a protocol error naming the tools, its code said once', async () => {
    const error = await mcp.client.callTool({ name: 'diagnoze', arguments: {} }).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(/^MCP error -32602: Unknown tool "diagnoze".*diagnose/);
    expect(error?.message).not.toMatch(/MCP error.*MCP error/);
  });
});

describe('kb mcp: process', () => {
  it('logs only to stderr and exits by itself when the client closes stdin', async () => {
    const session = await startMcp();
    await session.client.listTools();
    expect(session.stderr()).toMatch(/kb mcp: .*ready in \d+ ms/);
    const ms = await session.close();
    // The SDK's client waits 2 s before it sends SIGTERM: a clean exit is well under that.
    expect(ms).toBeLessThan(1900);
    expect(session.stderr()).toContain('stdin closed; bye');
    const pid = session.transport.pid;
    if (pid !== null) expect(() => process.kill(pid, 0)).toThrow();
  }, 30_000);

  it('answers requests piped in before stdin ends, then exits 0 with a clean stdout', () => {
    const lines = [
      { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'sh', version: '0' } } },
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'diagnose', arguments: { message: 'Nicht autorisiert', lang: 'de' } } },
    ];
    const r = spawnSync(process.execPath, [join(root, 'bin', 'kb.js'), 'mcp'], {
      input: lines.map((l) => `${JSON.stringify(l)}\n`).join(''),
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(r.status).toBe(0);
    const replies = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { id: number; result: { structuredContent?: DiagnoseResult } });
    expect(replies.map((m) => m.id)).toEqual([0, 1]);
    expect(replies[1]!.result.structuredContent?.symptom?.id).toBe('unauthorized');
  }, 30_000);

  it('does not serve a broken knowledge base: exit code 3, KB_INVALID on stderr, nothing on stdout', () => {
    const r = spawnSync(process.execPath, [join(root, 'bin', 'kb.js'), 'mcp', '--kb', join(root, 'test', 'mcp', 'no-such-kb')], {
      input: '',
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(r.status).toBe(3);
    expect(r.stderr).toContain('KB_INVALID');
    expect(r.stdout).toBe('');
  }, 30_000);
});
