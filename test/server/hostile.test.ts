import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKnowledgeBase } from '../../src/engine/knowledge-base.ts';
import { startTestServer, type TestServer } from './helpers.ts';

/**
 * Hostile messages within the limits must not stall the server: recognition is bounded (cut after
 * Unicode folding, long words and many words never reach the fuzzy search, linear scans for
 * addresses). Each of these held the event loop for seconds before; here a normal request sent
 * while they are processed must be answered within the test's time-out (no timing assertion: the
 * benchmark bench/hostile.js measures).
 */
let server: TestServer;

beforeAll(async () => {
  // No cache: every hostile body is computed, as new bodies from an attacker would be.
  server = await startTestServer({ kb: loadKnowledgeBase(undefined, { cacheSize: 0 }), limits: { cacheSize: 0 } });
});
afterAll(async () => {
  await server.close();
});

const hostile = [
  '㌖'.repeat(20_000),
  'ﬃ'.repeat(20_000),
  '\uFDFA'.repeat(20_000),
  'x'.repeat(20_000),
  '.'.repeat(20_000),
  'a@'.repeat(10_000),
  'http://a.b/ '.repeat(1666),
  'a.'.repeat(10_000),
];

describe('hostile messages', () => {
  it('a normal request sent while hostile ones are processed is answered', async () => {
    const attacks = [...hostile, ...hostile].map((message) => server.post('/v1/diagnose', { message }));
    const normal = server.post('/v1/diagnose', { message: 'Nicht autorisiert', lang: 'de' });
    const res = await normal;
    expect(res.status).toBe(200);
    expect(((await res.json()) as { symptom: { id: string } }).symptom.id).toBe('unauthorized');
    for (const attack of await Promise.all(attacks)) expect(attack.status).toBe(200);
  }, 20_000);

  it('reads a known message before and around hostile text, and ignores what lies past the cut', async () => {
    const read = async (message: string) => ((await (await server.post('/v1/diagnose', { message, lang: 'en' })).json()) as { symptom: { id: string } | null; warnings: { code: string }[] });
    expect((await read(`Unauthorized ${'㌖'.repeat(9000)}`)).symptom?.id).toBe('unauthorized');
    // 10,000 characters of ㌖ fold to 60,000 letters: the cut after folding leaves the message after them unread.
    const past = await read(`${'㌖ '.repeat(5000)} Unauthorized`);
    expect(past.symptom).toBeNull();
    expect(past.warnings.map((w) => w.code)).toContain('MESSAGE_NOT_RECOGNISED');
  });

  it('answers thousands of made-up fact names with warnings, hints only for the first few', async () => {
    const facts: Record<string, boolean> = { twoFactorEnabld: true };
    for (let i = 0; i < 3000; i++) facts[`twoFactorEnabled${i}`] = true;
    const res = await server.post('/v1/diagnose', { message: 'Unauthorized', facts });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { warnings: { code: string; field?: string; message: string }[] };
    const unknown = body.warnings.filter((w) => w.code === 'FACT_UNKNOWN');
    expect(unknown).toHaveLength(3001);
    expect(unknown[0]).toMatchObject({ field: 'facts.twoFactorEnabld' });
    expect(unknown[0]!.message).toContain('twoFactorEnabled');
    expect(unknown.at(-1)!.message).not.toContain('"twoFactorEnabled"');
  });
});
