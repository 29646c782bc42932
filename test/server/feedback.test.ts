import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { KbError } from '../../src/engine/errors.ts';
import { loadKnowledgeBase } from '../../src/engine/knowledge-base.ts';
import { buildServer } from '../../src/server/index.ts';
import { errorOf, startTestServer, type TestServer } from './helpers.ts';

const kb = loadKnowledgeBase();
const dir = mkdtempSync(join(tmpdir(), 'kb-feedback-server-'));
const dbPath = join(dir, 'feedback.sqlite');
const symptom = kb.data.symptoms[0]!.id;
// Two causes the symptom has: feedback for a cause outside it is refused (CAUSE_NOT_OF_SYMPTOM).
const [cause1, cause2] = (kb.bySymptom.get(symptom) ?? []).map((c) => c.decl.id);
const notOfSymptom = kb.data.causes.map((c) => c.id).find((id) => !(kb.bySymptom.get(symptom) ?? []).some((c) => c.decl.id === id))!;

type Stats = { kb: { name: string; version: string }; causes: { id: string; solved: number; notSolved: number }[] };

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ kb, limits: { feedbackDb: dbPath } });
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('feedback over HTTP, stored in a real SQLite file', () => {
  test('POST /v1/feedback answers 201 { id }; GET /v1/feedback/stats counts per cause', async () => {
    expect(existsSync(dbPath)).toBe(true);
    const a = await server.post('/v1/feedback', { symptom, cause: cause1, solved: true, lang: 'de' });
    expect(a.status).toBe(201);
    const { id } = (await a.json()) as { id: number };
    expect(Number.isInteger(id) && id > 0).toBe(true);
    expect((await server.post('/v1/feedback', { cause: cause1, solved: false })).status).toBe(201);
    expect((await server.post('/v1/feedback', { symptom: null, cause: cause2, solved: true })).status).toBe(201);

    const res = await server.get('/v1/feedback/stats');
    expect(res.status).toBe(200);
    const stats = (await res.json()) as Stats;
    expect(stats.kb).toEqual({ name: kb.data.settings.name, version: kb.data.settings.version });
    expect(stats.causes).toHaveLength(kb.data.causes.length);
    expect(stats.causes.find((c) => c.id === cause1)).toEqual({ id: cause1, solved: 1, notSolved: 1 });
    expect(stats.causes.find((c) => c.id === cause2)).toEqual({ id: cause2, solved: 1, notSolved: 0 });
  });

  test('an unknown cause is 400 CAUSE_UNKNOWN at "cause"; an unknown symptom 400 SYMPTOM_UNKNOWN', async () => {
    const res = await server.post('/v1/feedback', { cause: 'no-such-cause', solved: true });
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toMatchObject({ code: 'CAUSE_UNKNOWN', field: 'cause' });
    const s = await server.post('/v1/feedback', { symptom: 'no-such-symptom', cause: cause1, solved: true });
    expect(s.status).toBe(400);
    expect(await errorOf(s)).toMatchObject({ code: 'SYMPTOM_UNKNOWN', field: 'symptom' });
  });

  test('a cause that does not belong to the symptom is 400 CAUSE_NOT_OF_SYMPTOM at "cause"; without a symptom any cause is taken', async () => {
    const res = await server.post('/v1/feedback', { symptom, cause: notOfSymptom, solved: true });
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toMatchObject({ code: 'CAUSE_NOT_OF_SYMPTOM', field: 'cause' });
    const issue = await server.post('/v1/feedback', { symptom: 'test-email-failed', cause: 'credentials-wrong', solved: true });
    expect(await errorOf(issue)).toMatchObject({ code: 'CAUSE_NOT_OF_SYMPTOM', field: 'cause' });
    expect((await server.post('/v1/feedback', { symptom: null, cause: notOfSymptom, solved: true })).status).toBe(201);
  });

  test('wrong types and unknown fields are 400 REQUEST_INVALID with the field', async () => {
    const cases: [unknown, string][] = [
      [{ cause: cause1, solved: 'yes' }, 'solved'],
      [{ cause: cause1 }, 'solved'],
      [{ solved: true }, 'cause'],
      [{ cause: 42, solved: true }, 'cause'],
      [{ cause: cause1, solved: true, lang: 'fr' }, 'lang'],
      [{ cause: cause1, solved: true, symptom: 5 }, 'symptom'],
      [{ cause: cause1, solved: true, message: 'Nicht autorisiert' }, 'message'],
    ];
    for (const [body, field] of cases) {
      const res = await server.post('/v1/feedback', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(await errorOf(res), JSON.stringify(body)).toMatchObject({ code: 'REQUEST_INVALID', field });
    }
    const notObject = await server.post('/v1/feedback', [cause1]);
    expect(notObject.status).toBe(400);
  });

  test('both routes are in /openapi.json', async () => {
    const doc = (await (await server.get('/openapi.json')).json()) as { paths: Record<string, Record<string, { operationId?: string; responses: Record<string, unknown> }>>; components: { schemas: Record<string, unknown> } };
    expect(doc.paths['/v1/feedback']?.['post']?.operationId).toBe('recordFeedback');
    expect(Object.keys(doc.paths['/v1/feedback']!['post']!.responses)).toContain('201');
    expect(doc.paths['/v1/feedback/stats']?.['get']?.operationId).toBe('feedbackStats');
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['FeedbackRequest', 'FeedbackCreated', 'FeedbackStats']));
  });

  test('closing the server closes the database; a new server on the same file sees the same counts', async () => {
    const before = (await (await server.get('/v1/feedback/stats')).json()) as Stats;
    await server.close();
    server = await startTestServer({ kb, limits: { feedbackDb: dbPath } });
    expect(await (await server.get('/v1/feedback/stats')).json()).toEqual(before);
  });
});

describe('feedback turned off', () => {
  test('without a database both routes answer 503 FEEDBACK_DISABLED', async () => {
    const off = await startTestServer({ kb });
    try {
      const post = await off.post('/v1/feedback', { cause: cause1, solved: true });
      expect(post.status).toBe(503);
      expect(await errorOf(post)).toMatchObject({ code: 'FEEDBACK_DISABLED' });
      const stats = await off.get('/v1/feedback/stats');
      expect(stats.status).toBe(503);
      expect((await errorOf(stats)).code).toBe('FEEDBACK_DISABLED');
    } finally {
      await off.close();
    }
  });

  test('a database path that cannot be used stops the server from starting with a clear error', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'not a folder');
    const error = await buildServer({ kb, logger: false, limits: { feedbackDb: join(file, 'feedback.sqlite') } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KbError);
    expect(error).toMatchObject({ code: 'REQUEST_INVALID', field: '--db' });
  });
});
