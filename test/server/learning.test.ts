import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadKnowledgeBase } from '../../src/engine/knowledge-base.ts';
import type { DiagnoseResult } from '../../src/generated/schema-types.ts';
import { validateAgainst } from '../../src/kb/schema-validator.ts';
import type { ServerLimits } from '../../src/server/index.ts';
import { startPostgres, type TestPostgres } from '../_support/postgres.ts';
import { runKb } from '../_support/cli.ts';
import { postgresBinDir, postgresInstall, requireService } from '../_support/services.ts';
import { errorOf, startTestServer, type TestServer } from './helpers.ts';

/**
 * The "done when", on both stores: with --learn and a token a write without the token is 401,
 * 25 "solved" reports move a cause up in its symptom's ranking, kb priors reports them, a second
 * instance learns them from the shared database, and a restart loses nothing.
 */
const kb = loadKnowledgeBase();
const token = 'test-token-0123456789abcdef';
const auth = { authorization: `Bearer ${token}` };
const cause = 'needs-app-password';
const dir = mkdtempSync(join(tmpdir(), 'kb-learning-'));
const withPostgres = requireService('PostgreSQL', postgresBinDir, postgresInstall);
let postgres: TestPostgres | undefined;

beforeAll(async () => {
  if (withPostgres) postgres = await startPostgres();
}, 90_000);
afterAll(async () => {
  await postgres?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const learning = (db: string, more: Partial<ServerLimits> = {}): Partial<ServerLimits> => ({ feedbackDb: db, learn: true, feedbackToken: token, feedbackRateLimitMax: 100, learnIntervalMs: 1000, ...more });

async function diagnosed(server: TestServer, body: object = { message: 'Unauthorized', lang: 'en' }): Promise<DiagnoseResult> {
  const res = await server.post('/v1/diagnose', body);
  expect(res.status).toBe(200);
  return (await res.json()) as DiagnoseResult;
}

/** kb priors, run from dist/ as a user would (npm test builds first). */
const kbPriors = (args: string[]) => runKb(['priors', ...args]);

async function until(check: () => Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const stores: [string, () => Promise<string | null>][] = [
  ['SQLite', async () => join(dir, 'feedback.sqlite')],
  ['PostgreSQL', async () => (postgres ? postgres.url('kb_learning') : null)],
];

describe.each(stores)('kb serve --learn on %s', (name, location) => {
  const storeTest = name === 'PostgreSQL' && !withPostgres ? test.skip : test;

  storeTest('401 without the token; 25 solved reports move the cause up; kb priors reports them; a second instance learns them; a restart loses nothing', async () => {
    const db = (await location())!;
    const a = await startTestServer({ kb, limits: learning(db) });
    const b = await startTestServer({ kb, limits: learning(db) });
    try {
      const before = await diagnosed(a);
      expect(before.causes[0]!.id).not.toBe(cause);
      const rankBefore = before.causes.findIndex((c) => c.id === cause);
      expect(before.causes[rankBefore]!.prior).toEqual({ declared: 0.15, learned: null, solved: 0, notSolved: 0, bounded: false });

      // Writes without the right token are refused, and store nothing.
      const body = { symptom: 'unauthorized', cause, solved: true, lang: 'en' };
      const refused: Record<string, string>[] = [{}, { authorization: 'Bearer wrong-token-0123456789' }, { authorization: token }, { authorization: `Basic ${token}` }, { authorization: `Bearer ${token}x` }, { authorization: `Bearer ${'A'.repeat(5000)}` }, { 'x-feedback-token': token }];
      for (const headers of refused) {
        const res = await a.post('/v1/feedback', body, headers);
        expect(res.status, JSON.stringify(headers).slice(0, 80)).toBe(401);
        expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
        expect(await errorOf(res)).toMatchObject({ code: 'UNAUTHORIZED', field: 'authorization' });
      }
      // The token is checked before the body: a bad body without the token is still 401.
      expect((await a.post('/v1/feedback', { cause: 42 })).status).toBe(401);
      const none = (await (await a.get('/v1/feedback/stats')).json()) as { causes: { id: string; solved: number }[] };
      expect(none.causes.find((c) => c.id === cause)!.solved).toBe(0);

      for (let i = 0; i < 25; i++) expect((await a.post('/v1/feedback', body, { ...auth, ...(i % 2 ? { authorization: `bearer  ${token}` } : {}) })).status).toBe(201);

      // The instance that recorded them ranks with them at once.
      const after = await diagnosed(a);
      expect(validateAgainst('diagnose-result', after)).toEqual([]);
      expect(after.causes[0]!.id).toBe(cause);
      expect(after.causes[0]!.prior).toEqual({ declared: 0.15, learned: 0.45, solved: 25, notSolved: 0, bounded: true });
      const german = await diagnosed(a, { message: 'Nicht autorisiert', lang: 'de' });
      expect(german.causes[0]!.id).toBe(cause);

      // The other instance learns them from the shared database on its interval.
      await until(async () => (await diagnosed(b)).causes[0]!.id === cause, 5000);
      const ready = (await (await b.get('/readyz')).json()) as { learning: { reports: number; error: string | null; refreshedAt: string } };
      expect(ready.learning).toMatchObject({ reports: 25, error: null });

      // The statistics: per symptom, per cause, with the learned prior.
      const stats = (await (await a.get('/v1/feedback/stats?lang=de')).json()) as {
        learning: boolean;
        symptoms: { id: string | null; title: string; causes: { id: string; title: string; solved: number; learned: number | null }[] }[];
      };
      expect(stats.learning).toBe(true);
      const unauthorized = stats.symptoms.find((s) => s.id === 'unauthorized')!;
      expect(unauthorized.title).toBe('Nicht autorisiert');
      expect(unauthorized.causes.find((c) => c.id === cause)).toMatchObject({ solved: 25, learned: 0.45 });

      // kb priors reads the same database.
      const printed = await kbPriors(['--db', db, '--format', 'json', '--symptom', 'unauthorized']);
      expect(printed.stderr).toBe('');
      expect(printed.code).toBe(0);
      const report = JSON.parse(printed.stdout) as { reports: number; priors: { cause: string; solved: number; learned: number | null }[]; patch: string; database: string };
      expect(report.reports).toBe(25);
      expect(report.priors.find((p) => p.cause === cause)).toMatchObject({ solved: 25, learned: 0.45 });
      expect(report.patch).toContain('unauthorized: 0.45');
      const yaml = await kbPriors(['--db', db, '--format', 'yaml']);
      expect(yaml.stdout).toMatch(/rules\/causes\/auth\.yaml:\n {2}- id: needs-app-password\n {4}priorBySymptom:\n {6}unauthorized: 0\.45 #/);
      const table = await kbPriors(['--db', db, '--lang', 'de']);
      expect(table.stdout).toMatch(/unauthorized\s+needs-app-password\s+0,15\s+25\s+0\s+0,45 \(an der Grenze\)/);
    } finally {
      await a.close();
      await b.close();
    }

    // A restart: the new process ranks with everything recorded before, from its first request.
    const restarted = await startTestServer({ kb, limits: learning(db) });
    try {
      const again = await diagnosed(restarted);
      expect(again.causes[0]!.id).toBe(cause);
      expect(again.causes[0]!.prior?.solved).toBe(25);
    } finally {
      await restarted.close();
    }
  }, 60_000);

  storeTest('without --learn the same feedback changes nothing in the ranking', async () => {
    const db = (await location())!;
    const plain = await startTestServer({ kb, limits: { feedbackDb: db, feedbackRateLimitMax: 100 } });
    try {
      // The feedback of the test above is in the database; this server only records and counts it.
      const stats = (await (await plain.get('/v1/feedback/stats')).json()) as { learning: boolean; causes: { id: string; solved: number }[] };
      expect(stats.learning).toBe(false);
      expect(stats.causes.find((c) => c.id === cause)!.solved).toBeGreaterThanOrEqual(25);
      const result = await diagnosed(plain);
      expect(result.causes[0]!.id).not.toBe(cause);
      expect(result.causes.every((c) => c.prior === undefined)).toBe(true);
      // No token configured: anyone may record (the README says to set one once feedback steers).
      expect((await plain.post('/v1/feedback', { symptom: 'unauthorized', cause: 'credentials-wrong', solved: false })).status).toBe(201);
      expect(((await (await plain.get('/readyz')).json()) as { learning: unknown }).learning).toBeNull();
    } finally {
      await plain.close();
    }
  }, 30_000);
});

describe('feedback has its own rate limit per client', () => {
  test('beyond --feedback-rate-limit answers in the window: 429 RATE_LIMITED; diagnoses go on', async () => {
    const server = await startTestServer({ kb, limits: { feedbackDb: join(dir, 'rate.sqlite'), feedbackRateLimitMax: 3, feedbackToken: token } });
    try {
      const body = { cause, solved: false };
      for (let i = 0; i < 3; i++) expect((await server.post('/v1/feedback', body, auth)).status).toBe(201);
      const limited = await server.post('/v1/feedback', body, auth);
      expect(limited.status).toBe(429);
      expect((await errorOf(limited)).code).toBe('RATE_LIMITED');
      // Wrong tokens count against the same limit, so a token cannot be guessed quickly.
      expect((await server.post('/v1/feedback', body, { authorization: 'Bearer guess-guess-guess-guess' })).status).toBe(429);
      expect((await server.post('/v1/diagnose', { message: 'Unauthorized' })).status).toBe(200);
      const stats = (await (await server.get('/v1/feedback/stats')).json()) as { causes: { id: string; notSolved: number }[] };
      expect(stats.causes.find((c) => c.id === cause)!.notSolved).toBe(3);
    } finally {
      await server.close();
    }
  });
});

describe('learning cannot be switched on open to anyone', () => {
  test.each([
    [{ learn: true, feedbackDb: join(dir, 'x.sqlite') }, '--feedback-token'],
    [{ learn: true, feedbackToken: token }, '--learn'],
  ])('%j is refused with the flag at fault', async (limits, field) => {
    const { buildServer } = await import('../../src/server/index.ts');
    const error = await buildServer({ kb, logger: false, limits }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'REQUEST_INVALID', field });
  });

  test('an unreachable PostgreSQL stops the server from starting with a clear error, password hidden', async () => {
    const { buildServer } = await import('../../src/server/index.ts');
    const error = await buildServer({ kb, logger: false, limits: learning('postgres://kb:do-not-show@127.0.0.1:1/kb') }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'REQUEST_INVALID', field: '--db' });
    expect((error as Error).message).not.toContain('do-not-show');
  });
});
