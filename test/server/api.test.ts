import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { diagnose } from '../../src/engine/diagnose.ts';
import { loadKnowledgeBase } from '../../src/engine/knowledge-base.ts';
import { validateAgainst } from '../../src/kb/schema-validator.ts';
import { buildServer } from '../../src/server/index.ts';
import { errorOf, startTestServer, type TestServer } from './helpers.ts';

const kb = loadKnowledgeBase();
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ kb });
});
afterAll(async () => {
  await server.close();
});

type Result = import('../../src/index.ts').DiagnoseResult;

describe('routes', () => {
  test('GET /healthz and /readyz', async () => {
    const health = await server.get('/healthz');
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await server.get('/readyz');
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as { status: string; kb: { name: string; version: string; generation: number }; watching: boolean; lastReload: unknown };
    expect(body).toMatchObject({ status: 'ready', kb: { name: kb.data.settings.name, version: kb.data.settings.version, generation: 1 }, watching: false, lastReload: null });
  });

  test('POST /v1/diagnose answers the result of diagnose(), valid against the result schema', async () => {
    const request = { message: 'Nicht autorisert', lang: 'de' as const };
    const res = await server.post('/v1/diagnose', request);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-language')).toBe('de');
    const body = (await res.json()) as Result;
    expect(validateAgainst('diagnose-result', body)).toEqual([]);
    expect(body.symptom?.id).toBe('unauthorized');
    expect(body.symptom?.title).toBe('Nicht autorisiert');
    expect(body.lang).toBe('de');
    // Exactly what the library answers.
    expect(body).toEqual(JSON.parse(JSON.stringify(await diagnose(kb, request))));
    expect(body.causes[0]!.guidance).toMatch(/^## /);
  });

  test('an answered question changes the ranking', async () => {
    const ranking = (r: Result) => r.causes.map((c) => `${c.id}:${c.status}:${c.score}`).join(' ');
    const before = (await (await server.post('/v1/diagnose', { message: 'Unauthorized' })).json()) as Result;
    const question = before.questions.find((q) => q.options.length > 0)!;
    for (const option of question.options) {
      const after = (await (await server.post('/v1/diagnose', { message: 'Unauthorized', facts: { [question.fact]: option.value } })).json()) as Result;
      expect(after.facts[question.fact]).toEqual(option.value);
      expect(ranking(after)).not.toBe(ranking(before));
      expect(after.questions.map((q) => q.fact)).not.toContain(question.fact);
    }
  });

  test('language: body lang, then ?lang=, then the message (its known text, then its words), then Accept-Language, then the default', async () => {
    const answer = async (path: string, body: object, headers: Record<string, string> = {}) => {
      const res = await server.post(path, body, headers);
      expect(res.status).toBe(200);
      const r = (await res.json()) as Result;
      expect(res.headers.get('content-language')).toBe(r.lang);
      return `${r.lang}/${r.langSource}`;
    };
    expect(await answer('/v1/diagnose', { message: 'Nicht autorisiert' }, { 'accept-language': 'en' })).toBe('de/message');
    expect(await answer('/v1/diagnose', { message: 'Unauthorized' }, { 'accept-language': 'de-DE,de;q=0.9,en;q=0.5' })).toBe('en/message');
    expect(await answer('/v1/diagnose', { message: 'Der Remoteserver hat einen Fehler zurückgegeben: (401)' }, { 'accept-language': 'en' })).toBe('de/words');
    expect(await answer('/v1/diagnose', { message: '401' }, { 'accept-language': 'de-DE,de;q=0.9' })).toBe('de/accept-language');
    expect(await answer('/v1/diagnose', { message: '401' }, { 'accept-language': 'fr-FR, en;q=0.3' })).toBe('en/accept-language');
    expect(await answer('/v1/diagnose', { message: '401' }, { 'accept-language': 'fr' })).toBe('en/default');
    expect(await answer('/v1/diagnose', { message: '401' }, { 'accept-language': `;;;,,q=abc${'\u00ff\u00e4'.repeat(50)}${'x'.repeat(4000)}` })).toBe('en/default');
    expect(await answer('/v1/diagnose', { facts: { httpStatus: 401 } }, { 'accept-language': 'de' })).toBe('de/accept-language');
    expect(await answer('/v1/diagnose?lang=en', { message: 'Nicht autorisiert' }, { 'accept-language': 'de' })).toBe('en/request');
    expect(await answer('/v1/diagnose?lang=en', { message: 'Unauthorized', lang: 'de' })).toBe('de/request');
    // The answer cache keeps the callers apart: same body, another Accept-Language.
    expect(await answer('/v1/diagnose', { message: '401' }, { 'accept-language': 'en' })).toBe('en/accept-language');
    expect(await answer('/v1/diagnose', { message: '401' }, { 'accept-language': 'de' })).toBe('de/accept-language');
    const symptoms = (await (await server.get('/v1/symptoms', { 'accept-language': 'de' })).json()) as { lang: string };
    expect(symptoms.lang).toBe('de');
  });

  test('format=html returns each guidance as sanitised HTML', async () => {
    const res = await server.post('/v1/diagnose?format=html', { message: 'Unauthorized', facts: { url: 'https://mail.example.com/<script>alert(1)</script>' } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Result;
    expect(body.causes.length).toBeGreaterThan(0);
    for (const c of body.causes) {
      if (c.guidance === '') continue;
      expect(c.guidance).toMatch(/^<h2>/);
      expect(c.guidance).not.toMatch(/<script/i);
    }
  });

  test('GET /v1/symptoms lists the symptoms of the contract', async () => {
    const res = await server.get('/v1/symptoms?lang=de');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { lang: string; symptoms: { id: string; title: string; messages: { de: string[] }; causes: string[] }[] };
    expect(body.symptoms.map((s) => s.id)).toEqual(expect.arrayContaining(['url-invalid', 'version-unsupported', 'connect-failed', 'unauthorized', 'test-email-failed']));
    const unauthorized = body.symptoms.find((s) => s.id === 'unauthorized')!;
    expect(unauthorized.title).toBe('Nicht autorisiert');
    expect(unauthorized.messages.de).toContain('Nicht autorisiert');
    expect(unauthorized.causes).toContain('credentials-wrong');
  });

  test('GET /v1/causes/{id} in both languages and formats', async () => {
    const md = (await (await server.get('/v1/causes/cert-name-mismatch?lang=de')).json()) as { id: string; lang: string; title: string; format: string; guidance: string; symptoms: string[]; facts: string[] };
    expect(md).toMatchObject({ id: 'cert-name-mismatch', lang: 'de', format: 'md' });
    expect(md.guidance).toMatch(/^## /);
    expect(md.guidance).not.toMatch(/\{\{/);
    expect(md.symptoms).toContain('connect-failed');
    expect(md.facts.length).toBeGreaterThan(0);
    const html = (await (await server.get('/v1/causes/cert-name-mismatch?lang=en&format=html')).json()) as { lang: string; guidance: string; title: string };
    expect(html.lang).toBe('en');
    expect(html.guidance).toMatch(/^<h2>/);
    expect(html.title).not.toBe(md.title);
  });

  test('GET /v1/facts is the catalogue, with the causes each fact matters for', async () => {
    const res = await server.get('/v1/facts?lang=de');
    const body = (await res.json()) as { facts: { id: string; type: string; source: string; question?: string; options?: { value: string; label: string }[]; causes: string[] }[] };
    expect(body.facts.length).toBe(kb.data.facts.size);
    const platform = body.facts.find((f) => f.id === 'platform')!;
    expect(platform.options?.map((o) => o.value)).toEqual(['on-premises', 'exchange-online']);
    expect(platform.causes).toContain('exchange-online-needs-modern-auth');
    expect(body.facts.find((f) => f.id === 'credentialsWorkInWebmail')?.question).toMatch(/Webmail/);
  });

  test('GET /v1/search suggests known messages in both languages, typos welcome', async () => {
    const res = await server.get(`/v1/search?q=${encodeURIComponent('nciht autorisert')}&lang=de`);
    expect(res.status).toBe(200);
    const { results } = (await res.json()) as { results: { symptom: string; title: string; text: string }[] };
    expect(results[0]).toMatchObject({ symptom: 'unauthorized', text: 'Nicht autorisiert', title: 'Nicht autorisiert' });
    const texts = results.map((r) => r.text.toLowerCase());
    expect(new Set(texts).size).toBe(texts.length);
    const en = (await (await server.get('/v1/search?q=exchange%20url&limit=3')).json()) as { results: { text: string }[] };
    expect(en.results.length).toBeLessThanOrEqual(3);
    expect(en.results.map((r) => r.text)).toContain('Exchange URL is invalid');
    const empty = (await (await server.get('/v1/search?q=')).json()) as { results: unknown[] };
    expect(empty.results).toEqual([]);
  });

  test('GET / serves the page with a strict CSP, and its files', async () => {
    const res = await server.get('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    const html = await res.text();
    expect(html).toContain('src="app.js"');
    expect(html).not.toMatch(/https?:\/\/(?!exchange-kb)/); // no CDN
    const js = await server.get('/app.js');
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect((await server.get('/app.css')).status).toBe(200);
    const labels = (await (await server.get('/labels.json')).json()) as { de: object; en: object };
    expect(Object.keys(labels.de).sort()).toEqual(Object.keys(labels.en).sort());
    const etag = res.headers.get('etag')!;
    expect((await server.get('/', { 'if-none-match': etag })).status).toBe(304);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('error codes', () => {
  const expectError = async (res: Response, status: number, code: string, field?: string) => {
    expect(res.status, `${code}`).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const text = await res.text();
    expect(text).not.toMatch(/\bat .+\.(ts|js):\d+/); // never a stack trace
    const body = JSON.parse(text) as { code: string; field?: string; message: string; requestId: string };
    expect(body.code).toBe(code);
    expect(body.message.length).toBeGreaterThan(0);
    expect(body.requestId).toBeTruthy();
    if (field !== undefined) expect(body.field).toBe(field);
    return body;
  };

  test('REQUEST_INVALID: wrong types and unknown fields, with the field at fault', async () => {
    await expectError(await server.post('/v1/diagnose', { message: 42 }), 400, 'REQUEST_INVALID', 'message');
    await expectError(await server.post('/v1/diagnose', { facts: ['a'] }), 400, 'REQUEST_INVALID', 'facts');
    await expectError(await server.post('/v1/diagnose', { facts: { httpStatus: { nested: 1 } } }), 400, 'REQUEST_INVALID', 'facts.httpStatus');
    await expectError(await server.post('/v1/diagnose', { lang: 'fr' }), 400, 'REQUEST_INVALID', 'lang');
    const typo = await expectError(await server.post('/v1/diagnose', { mesage: 'typo' }), 400, 'REQUEST_INVALID', 'mesage');
    expect(typo.message).toContain('did you mean "message"?');
    await expectError(await server.post('/v1/diagnose', null), 400, 'REQUEST_INVALID');
    await expectError(await server.post('/v1/diagnose', [1, 2]), 400, 'REQUEST_INVALID');
    await expectError(await server.post('/v1/diagnose', { message: 'x'.repeat(20_001) }), 400, 'REQUEST_INVALID', 'message');
    await expectError(await server.post('/v1/diagnose?format=pdf', { message: 'x' }), 400, 'REQUEST_INVALID', 'format');
    await expectError(await server.get('/v1/symptoms?lang=fr'), 400, 'REQUEST_INVALID', 'lang');
    await expectError(await server.get('/v1/search'), 400, 'REQUEST_INVALID', 'q');
    await expectError(await server.get('/v1/search?q=a&limit=0'), 400, 'REQUEST_INVALID', 'limit');
    await expectError(await server.get('/v1/search?q=a&lang=de&lang=en'), 400, 'REQUEST_INVALID', 'lang');
    await expectError(await server.get('/v1/causes/Not_An_Id'), 400, 'REQUEST_INVALID', 'id');
  });

  test('FACT_INVALID, SYMPTOM_UNKNOWN, NOT_FOUND from the engine', async () => {
    await expectError(await server.post('/v1/diagnose', { facts: { httpStatus: 'abc' } }), 400, 'FACT_INVALID', 'facts.httpStatus');
    await expectError(await server.post('/v1/diagnose', { observed: { certTrusted: 'vielleicht' } }), 400, 'FACT_INVALID', 'observed.certTrusted');
    await expectError(await server.post('/v1/diagnose', { symptom: 'no-such-symptom' }), 400, 'SYMPTOM_UNKNOWN', 'symptom');
    await expectError(await server.get('/v1/causes/no-such-cause'), 404, 'NOT_FOUND', 'id');
  });

  test('ROUTE_NOT_FOUND, METHOD_NOT_ALLOWED and BAD_REQUEST', async () => {
    await expectError(await server.get('/v2/diagnose'), 404, 'ROUTE_NOT_FOUND');
    await expectError(await fetch(`${server.url}/v1/diagnose`, { method: 'DELETE' }), 405, 'METHOD_NOT_ALLOWED');
    await expectError(await server.get('/v1/%E0%A4%A'), 400, 'BAD_REQUEST');
  });

  test('BAD_JSON, BAD_ENCODING, BODY_TOO_DEEP, FORBIDDEN_KEY', async () => {
    await expectError(await server.postRaw('/v1/diagnose', '{"message": ', 'application/json'), 400, 'BAD_JSON');
    await expectError(await server.postRaw('/v1/diagnose', "{'message': 'x'}", 'application/json'), 400, 'BAD_JSON');
    await expectError(await server.postRaw('/v1/diagnose', '', 'application/json'), 400, 'BAD_JSON');
    // {"message":"<0xff 0xfe>"} and an overlong encoding of "/".
    await expectError(await server.postRaw('/v1/diagnose', new Uint8Array([0x7b, 0x22, 0x6d, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), 'application/json'), 400, 'BAD_ENCODING');
    await expectError(await server.postRaw('/v1/diagnose', new Uint8Array([0x7b, 0x22, 0xc0, 0xaf, 0x22, 0x3a, 0x31, 0x7d]), 'application/json'), 400, 'BAD_ENCODING');
    await expectError(await server.postRaw('/v1/diagnose', `{"facts":{"a":${'['.repeat(5000)}${']'.repeat(5000)}}}`, 'application/json'), 400, 'BODY_TOO_DEEP');
    await expectError(await server.postRaw('/v1/diagnose', '['.repeat(90_000), 'application/json'), 400, 'BODY_TOO_DEEP');
    await expectError(await server.postRaw('/v1/diagnose', '{"__proto__":{"polluted":true}}', 'application/json'), 400, 'FORBIDDEN_KEY', '__proto__');
    await expectError(await server.postRaw('/v1/diagnose', '{"facts":{"__proto__":"x"}}', 'application/json'), 400, 'FORBIDDEN_KEY', 'facts.__proto__');
    await expectError(await server.postRaw('/v1/diagnose', '{"facts":{"constructor":{"prototype":{"polluted":true}}}}', 'application/json'), 400, 'FORBIDDEN_KEY', 'facts.constructor');
    await expectError(await server.postRaw('/v1/diagnose', '{"observed":{"prototype":"x"}}', 'application/json'), 400, 'FORBIDDEN_KEY', 'observed.prototype');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  test('BODY_TOO_LARGE: a 1 MB message', async () => {
    await expectError(await server.post('/v1/diagnose', { message: 'Nicht autorisiert '.repeat(60_000) }), 413, 'BODY_TOO_LARGE');
  });

  test('UNSUPPORTED_MEDIA_TYPE', async () => {
    await expectError(await server.postRaw('/v1/diagnose', '{"message":"x"}', 'text/plain'), 415, 'UNSUPPORTED_MEDIA_TYPE');
    await expectError(await server.postRaw('/v1/diagnose', '<message>x</message>', 'application/xml'), 415, 'UNSUPPORTED_MEDIA_TYPE');
    await expectError(await server.postRaw('/v1/diagnose', 'message=x', 'application/x-www-form-urlencoded'), 415, 'UNSUPPORTED_MEDIA_TYPE');
    await expectError(await server.postRaw('/v1/diagnose', '{"message":"x"}', 'application/json; charset=iso-8859-1'), 415, 'UNSUPPORTED_MEDIA_TYPE');
    await expectError(await server.postRaw('/v1/diagnose', new TextEncoder().encode('{"message":"x"}'), undefined), 415, 'UNSUPPORTED_MEDIA_TYPE');
    // UTF-8 spelled out is fine.
    expect((await server.postRaw('/v1/diagnose', '{"message":"x"}', 'application/json; charset=UTF-8')).status).toBe(200);
  });

  test('MESSAGE_TOO_LONG: the deployment limit below the schema maximum', async () => {
    const small = await startTestServer({ kb, limits: { maxMessageLength: 100 } });
    try {
      await expectError(await small.post('/v1/diagnose', { message: 'x'.repeat(101) }), 400, 'MESSAGE_TOO_LONG', 'message');
      expect((await small.post('/v1/diagnose', { message: 'x'.repeat(100) })).status).toBe(200);
    } finally {
      await small.close();
    }
  });

  test('RATE_LIMITED per client, health checks exempt', async () => {
    const limited = await startTestServer({ kb, limits: { rateLimitMax: 3, rateLimitWindowMs: 60_000 } });
    try {
      for (let i = 0; i < 3; i++) expect((await limited.get('/v1/symptoms')).status).toBe(200);
      const res = await limited.post('/v1/diagnose', { message: 'x' });
      expect(res.headers.get('retry-after')).toBeTruthy();
      await expectError(res, 429, 'RATE_LIMITED');
      expect((await limited.get('/healthz')).status).toBe(200);
      expect((await limited.get('/readyz')).status).toBe(200);
      expect((await limited.get('/')).status).toBe(200);
      expect((await limited.get('/app.js')).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  test('TIMEOUT when a diagnosis takes too long; INTERNAL hides the details', async () => {
    const slow = await startTestServer({
      kb,
      limits: { timeoutMs: 50 },
      diagnose: async (k, r) => {
        await new Promise((resolve) => setTimeout(resolve, 300));
        return diagnose(k, r);
      },
    });
    const broken = await startTestServer({
      kb,
      diagnose: async () => {
        throw new Error('database password is hunter2');
      },
    });
    try {
      const res = await slow.post('/v1/diagnose', { message: 'Unauthorized' });
      expect(res.headers.get('retry-after')).toBe('1');
      await expectError(res, 503, 'TIMEOUT');
      const internal = await expectError(await broken.post('/v1/diagnose', { message: 'Unauthorized' }), 500, 'INTERNAL');
      expect(internal.message).not.toContain('hunter2');
    } finally {
      await slow.close();
      await broken.close();
    }
  });
});

describe('deployment settings', () => {
  test('CORS is off by default and allows only the configured origins', async () => {
    const preflight = (s: TestServer, origin: string) =>
      fetch(`${s.url}/v1/diagnose`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
    const off = await preflight(server, 'https://crm.example.com');
    expect(off.headers.get('access-control-allow-origin')).toBeNull();
    expect((await server.get('/v1/symptoms', { origin: 'https://crm.example.com' })).headers.get('access-control-allow-origin')).toBeNull();
    const on = await startTestServer({ kb, limits: { corsOrigins: ['https://crm.example.com'] } });
    try {
      const ok = await preflight(on, 'https://crm.example.com');
      expect(ok.status).toBeLessThan(300);
      expect(ok.headers.get('access-control-allow-origin')).toBe('https://crm.example.com');
      expect((await on.get('/v1/symptoms', { origin: 'https://evil.example.net' })).headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await on.close();
    }
  });

  test('structured logs carry no message text, fact values or query values', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(...chunk.toString('utf8').split('\n').filter((l) => l !== ''));
        done();
      },
    });
    const app = await buildServer({ kb, logger: { level: 'info', stream }, limits: { rateLimitMax: 0 } });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const secret = 'SECRET-4711';
      await fetch(`${url}/v1/diagnose`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` }, body: JSON.stringify({ message: `Unauthorized ${secret}`, facts: { email: `${secret}@example.com` } }) });
      await fetch(`${url}/v1/diagnose`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ facts: { httpStatus: secret } }) });
      await fetch(`${url}/v1/search?q=${secret}`);
      await fetch(`${url}/v1/nope?token=${secret}`);
    } finally {
      await app.close();
    }
    const log = lines.join('\n');
    expect(log).not.toContain('SECRET-4711');
    const parsed = lines.map((l) => JSON.parse(l) as { msg: string; status?: number; url?: string; reqId?: string });
    const requests = parsed.filter((l) => l.msg === 'request');
    expect(requests.map((r) => r.status)).toEqual([200, 400, 200, 404]);
    expect(requests[2]!.url).toBe('/v1/search?q=…');
    expect(parsed.some((l) => l.msg === 'diagnosed')).toBe(true);
    expect(requests.every((r) => typeof r.reqId === 'string')).toBe(true);
  });
});
