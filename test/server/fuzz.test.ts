import fc from 'fast-check';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { loadKnowledgeBase } from '../../src/engine/knowledge-base.ts';
import { statusOf } from '../../src/server/index.ts';
import { startTestServer, type TestServer } from './helpers.ts';

/**
 * Thousands of generated requests against a listening server: whatever arrives, the answer is never
 * a 5xx, and every 4xx is the API's JSON error with a known code.
 */
const kb = loadKnowledgeBase();
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ kb, limits: { bodyLimit: 16 * 1024 } });
});
afterAll(async () => {
  await server.close();
});

const factNames = [...kb.data.facts.keys()];
const symptomIds = kb.data.symptoms.map((s) => s.id);
const causeIds = kb.data.causes.map((c) => c.id);
const knownMessages = kb.data.symptoms.flatMap((s) => [...s.messages.en, ...s.messages.de, ...(s.variants ?? []).map((v) => (typeof v === 'string' ? v : v.text))]);

const hostileKey = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '', ' ', 'a.b', '$ref', '😀');
const text = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(...knownMessages),
  fc.constantFrom('<script>alert(1)</script>', '{{url}}', '%00', '\u0000\uffff', '\ud800', 'ja', 'nein', 'true', '401', '14.2.247.5', 'https://mail.example.com/owa', 'ERR_TLS_CERT_ALTNAME_INVALID'),
);
const scalar = fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
const factValue = fc.oneof(scalar, fc.array(scalar, { maxLength: 5 }), fc.dictionary(fc.string({ maxLength: 5 }), scalar, { maxKeys: 3 }));
const factsMap = fc.dictionary(fc.oneof(fc.constantFrom(...factNames), fc.string({ maxLength: 12 }), hostileKey), factValue, { maxKeys: 6 });

/** Requests close to valid ones, so the engine itself is exercised, not only the validation. */
const diagnoseBody = fc.record(
  {
    message: fc.oneof(text, fc.string({ maxLength: 300 })),
    symptom: fc.oneof(fc.constantFrom(...symptomIds), text),
    facts: factsMap,
    observed: factsMap,
    lang: fc.oneof(fc.constantFrom('de', 'en'), text),
  },
  { requiredKeys: [] },
);
const anyJson = fc.oneof(diagnoseBody, fc.jsonValue({ maxDepth: 4 }), fc.dictionary(hostileKey, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }));

const bodyBytes = fc.oneof(
  anyJson.map((v) => new TextEncoder().encode(JSON.stringify(v) ?? 'null')),
  fc.uint8Array({ maxLength: 200 }),
  fc.string({ maxLength: 200 }).map((s) => new TextEncoder().encode(s)),
  fc.integer({ min: 1, max: 400 }).map((n) => new TextEncoder().encode(`${'{"facts":{"a":'.repeat(1)}${'['.repeat(n)}`)),
  fc.constant(new Uint8Array(20 * 1024).fill(0x61)),
);

const contentType = fc.constantFrom(undefined, 'application/json', 'application/json; charset=utf-8', 'application/json; charset=latin1', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json;;;', '*/*');

const queryPart = fc.array(
  fc.tuple(fc.constantFrom('q', 'lang', 'format', 'limit', '__proto__', 'x'), fc.oneof(text, fc.constantFrom('de', 'en', 'html', 'md', '5', '-1', '999999999999'))),
  { maxLength: 4 },
).map((pairs) => (pairs.length === 0 ? '' : `?${new URLSearchParams(pairs).toString()}`));

const path = fc.oneof(
  fc.constantFrom('/v1/diagnose', '/v1/symptoms', '/v1/facts', '/v1/search', '/openapi.json', '/healthz', '/readyz', '/', '/app.js', '/labels.json'),
  fc.constantFrom(...causeIds, 'nope', 'A', '..', '%2e%2e', '%E0%A4%A', 'x'.repeat(300)).map((id) => `/v1/causes/${id}`),
  fc.webPath().map((p) => (p.startsWith('/') ? p : `/${p}`)),
);

const requestArb = fc.record({
  method: fc.constantFrom('GET', 'POST', 'POST', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'),
  path,
  query: queryPart,
  contentType,
  body: bodyBytes,
  acceptLanguage: fc.oneof(fc.constant(undefined), fc.constantFrom('de', 'de-DE,de;q=0.9', 'en;q=0', 'fr', '*', ';;;q=abc', 'x'.repeat(300))),
});

const knownCodes = new Set(Object.keys(statusOf));

type GeneratedRequest = typeof requestArb extends fc.Arbitrary<infer T> ? T : never;

async function send(r: GeneratedRequest): Promise<void> {
  const headers: Record<string, string> = {};
  if (r.contentType) headers['content-type'] = r.contentType;
  if (r.acceptLanguage) headers['accept-language'] = r.acceptLanguage;
  const hasBody = r.method !== 'GET' && r.method !== 'HEAD';
  const res = await fetch(`${server.url}${r.path}${r.query}`, { method: r.method, headers, ...(hasBody ? { body: r.body } : {}) });
  const text = await res.text();
  expect(res.status, `${r.method} ${r.path}${r.query} → ${text.slice(0, 300)}`).toBeLessThan(500);
  if (res.status >= 400 && r.method !== 'HEAD') {
    const body = JSON.parse(text) as { code: string; message: string };
    expect(knownCodes.has(body.code), body.code).toBe(true);
    expect(typeof body.message).toBe('string');
  }
}

test('no generated request gets a 5xx; every error is JSON with a known code', async () => {
  let count = 0;
  const started = Date.now();
  // Batches of 8 concurrent requests: 3000 requests in a few seconds; a failing batch still shrinks.
  await fc.assert(
    fc.asyncProperty(fc.array(requestArb, { minLength: 8, maxLength: 8 }), async (batch) => {
      count += batch.length;
      await Promise.all(batch.map(send));
    }),
    { numRuns: 375, interruptAfterTimeLimit: 40_000 },
  );
  expect(count).toBeGreaterThan(1000);
  expect(Object.prototype).not.toHaveProperty('polluted');
  console.log(`fuzz: ${count} requests in ${Date.now() - started} ms`);
}, 60_000);

test('valid-looking diagnose requests are answered 200 or a 400 with a field', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.record(
        {
          message: fc.oneof(fc.constantFrom(...knownMessages), fc.string({ maxLength: 100 })),
          facts: fc.dictionary(fc.constantFrom(...factNames), fc.oneof(text, fc.integer({ min: -5, max: 700 }), fc.boolean(), fc.array(text, { maxLength: 3 })), { maxKeys: 5 }),
          lang: fc.constantFrom('de', 'en'),
        },
        { requiredKeys: [] },
      ),
      async (body) => {
        const res = await server.post('/v1/diagnose', body);
        const answer = (await res.json()) as { code?: string; field?: string; causes?: unknown[] };
        if (res.status === 200) expect(Array.isArray(answer.causes)).toBe(true);
        else {
          expect(res.status).toBe(400);
          expect(answer.code).toBe('FACT_INVALID');
          expect(answer.field).toMatch(/^facts\./);
        }
      },
    ),
    { numRuns: 500, interruptAfterTimeLimit: 20_000 },
  );
}, 40_000);
