import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, test } from 'vitest';
import { loadKnowledgeBase } from '../../src/engine/knowledge-base.ts';
import { FeedbackError, type FeedbackInput, migrations, openFeedbackStore, schemaVersion } from '../../src/feedback/index.ts';

const kb = loadKnowledgeBase();
const dir = mkdtempSync(join(tmpdir(), 'kb-feedback-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const symptom = kb.data.symptoms[0]!.id;
// Two causes the symptom has: feedback for a cause outside it is refused (CAUSE_NOT_OF_SYMPTOM).
const [cause1, cause2] = (kb.bySymptom.get(symptom) ?? []).map((c) => c.decl.id);
const notOfSymptom = kb.data.causes.map((c) => c.id).find((id) => !(kb.bySymptom.get(symptom) ?? []).some((c) => c.decl.id === id))!;

async function failure(run: () => unknown): Promise<FeedbackError> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(FeedbackError);
    return error as FeedbackError;
  }
  throw new Error('no error');
}

describe('openFeedbackStore', () => {
  test('records answers, counts them per cause, and keeps them when the file is opened again', async () => {
    const path = join(dir, 'sub', 'feedback.sqlite');
    const store = await openFeedbackStore(path);
    expect(existsSync(path)).toBe(true);
    const a = await store.record({ kb, symptom, cause: cause1!, solved: true, lang: 'de' });
    const b = await store.record({ kb, symptom: null, cause: cause1!, solved: false });
    await store.record({ kb, cause: cause2!, solved: true, lang: 'en' });
    expect(b.id).toBeGreaterThan(a.id);
    const stats = await store.stats(kb);
    expect(stats.kb).toEqual({ name: kb.data.settings.name, version: kb.data.settings.version });
    expect(stats.causes.map((c) => c.id)).toEqual(kb.data.causes.map((c) => c.id));
    expect(stats.causes.find((c) => c.id === cause1)).toEqual({ id: cause1, solved: 1, notSolved: 1 });
    expect(stats.causes.find((c) => c.id === cause2)).toEqual({ id: cause2, solved: 1, notSolved: 0 });
    expect(stats.causes.filter((c) => c.solved + c.notSolved === 0).length).toBe(kb.data.causes.length - 2);
    const counts = await store.counts(kb.data.settings.name);
    expect(counts).toHaveLength(3);
    expect(counts).toEqual(
      expect.arrayContaining([
        { symptom: null, cause: cause1, solved: 0, notSolved: 1 },
        { symptom: null, cause: cause2, solved: 1, notSolved: 0 },
        { symptom, cause: cause1, solved: 1, notSolved: 0 },
      ]),
    );
    expect(await store.counts('another-kb')).toEqual([]);
    await store.close();
    await store.close(); // twice is harmless

    const again = await openFeedbackStore(path);
    expect(await again.stats(kb)).toEqual(stats);
    await again.record({ kb, symptom, cause: cause2!, solved: true });
    expect((await again.stats(kb)).causes.find((c) => c.id === cause2)).toEqual({ id: cause2, solved: 2, notSolved: 0 });
    await again.close();

    // WAL mode, the schema version, and only ids in the rows (no message, no facts).
    const raw = new BetterSqlite3(path, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(raw.pragma('user_version', { simple: true })).toBe(schemaVersion);
    const columns = (raw.prepare('PRAGMA table_info(feedback)').all() as { name: string }[]).map((c) => c.name);
    expect(columns).toEqual(['id', 'created_at', 'kb_name', 'kb_version', 'symptom', 'cause', 'solved', 'lang']);
    const first = raw.prepare('SELECT * FROM feedback ORDER BY id LIMIT 1').get() as Record<string, unknown>;
    expect(first).toMatchObject({ kb_name: kb.data.settings.name, symptom, cause: cause1, solved: 1, lang: 'de' });
    expect(Number.isNaN(Date.parse(String(first['created_at'])))).toBe(false);
    raw.close();
  });

  test('bad input: unknown cause or symptom, wrong types', async () => {
    const store = await openFeedbackStore(join(dir, 'bad-input.sqlite'));
    try {
      const unknown = await failure(() => store.record({ kb, cause: 'no-such-cause', solved: true }));
      expect(unknown).toMatchObject({ code: 'CAUSE_UNKNOWN', field: 'cause' });
      expect(await failure(() => store.record({ kb, symptom: 'no-such-symptom', cause: cause1!, solved: true }))).toMatchObject({ code: 'SYMPTOM_UNKNOWN', field: 'symptom' });
      expect(await failure(() => store.record({ kb, symptom, cause: notOfSymptom, solved: true }))).toMatchObject({ code: 'CAUSE_NOT_OF_SYMPTOM', field: 'cause' });
      const wrong = (input: object) => failure(() => store.record({ kb, ...input } as unknown as FeedbackInput));
      expect(await wrong({ cause: 42, solved: true })).toMatchObject({ code: 'REQUEST_INVALID', field: 'cause' });
      expect(await wrong({ solved: true })).toMatchObject({ code: 'REQUEST_INVALID', field: 'cause' });
      expect(await wrong({ cause: cause1, solved: 'yes' })).toMatchObject({ code: 'REQUEST_INVALID', field: 'solved' });
      expect(await wrong({ cause: cause1, solved: 1 })).toMatchObject({ code: 'REQUEST_INVALID', field: 'solved' });
      expect(await wrong({ cause: cause1, solved: true, lang: 'fr' })).toMatchObject({ code: 'REQUEST_INVALID', field: 'lang' });
      expect(await wrong({ cause: cause1, solved: true, symptom: 7 })).toMatchObject({ code: 'REQUEST_INVALID', field: 'symptom' });
      // Nothing was stored.
      expect((await store.stats(kb)).causes.every((c) => c.solved === 0 && c.notSolved === 0)).toBe(true);
    } finally {
      await store.close();
    }
  });

  test('a path that cannot be used is a clear STORE_FAILED error, not a crash', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'not a folder');
    const underFile = await failure(() => openFeedbackStore(join(file, 'feedback.sqlite')));
    expect(underFile.code).toBe('STORE_FAILED');
    expect(underFile.message).toContain(join(file, 'feedback.sqlite'));

    const notDb = join(dir, 'not-a-database.sqlite');
    writeFileSync(notDb, 'x'.repeat(4096));
    const garbage = await failure(() => openFeedbackStore(notDb));
    expect(garbage.code).toBe('STORE_FAILED');
    expect(garbage.message).toMatch(/not a database/i);

    expect((await failure(() => openFeedbackStore(''))).code).toBe('STORE_FAILED');

    // A file from a newer program is refused rather than changed.
    const newer = join(dir, 'newer.sqlite');
    const raw = new BetterSqlite3(newer);
    raw.pragma(`user_version = ${schemaVersion + 1}`);
    raw.close();
    expect((await failure(() => openFeedbackStore(newer))).message).toMatch(/newer than this program/);
  });

  // root may write anywhere: the permission check only means something for other users.
  test.skipIf(process.getuid?.() === 0)('a read-only folder is a clear STORE_FAILED error', async () => {
    const readOnly = join(dir, 'read-only');
    mkdirSync(readOnly);
    chmodSync(readOnly, 0o555);
    try {
      const error = await failure(() => openFeedbackStore(join(readOnly, 'feedback.sqlite')));
      expect(error.code).toBe('STORE_FAILED');
      expect(error.message).toContain(join(readOnly, 'feedback.sqlite'));
    } finally {
      chmodSync(readOnly, 0o755);
    }
  });

  test('writing to a closed store is a clear STORE_FAILED error', async () => {
    const path = join(dir, 'closed.sqlite');
    const store = await openFeedbackStore(path);
    await store.close();
    const error = await failure(() => store.record({ kb, cause: cause1!, solved: true }));
    expect(error.code).toBe('STORE_FAILED');
    expect(error.message).toContain(path);
  });

  test('a file of schema version 1 is migrated when opened, keeping its rows', async () => {
    const path = join(dir, 'version-1.sqlite');
    const raw = new BetterSqlite3(path);
    raw.exec(migrations[0]!.sqlite);
    raw.pragma('user_version = 1');
    raw.prepare("INSERT INTO feedback (created_at, kb_name, kb_version, symptom, cause, solved, lang) VALUES ('2026-01-01T00:00:00.000Z', ?, '0.9.0', ?, ?, 1, 'de')").run(kb.data.settings.name, symptom, cause1);
    raw.close();
    const store = await openFeedbackStore(path);
    expect(await store.counts(kb.data.settings.name)).toEqual([{ symptom, cause: cause1, solved: 1, notSolved: 0 }]);
    await store.close();
    const check = new BetterSqlite3(path, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(schemaVersion);
    expect((check.prepare("SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name").all() as { name: string }[]).map((r) => r.name)).toEqual(['feedback_kb_cause', 'feedback_kb_symptom_cause']);
    check.close();
  });

  test('read-only (kb priors): a missing file is not created, nothing can be written', async () => {
    const missing = join(dir, 'not-there.sqlite');
    const error = await failure(() => openFeedbackStore(missing, { readOnly: true }));
    expect(error.code).toBe('STORE_FAILED');
    expect(error.message).toContain(missing);
    expect(existsSync(missing)).toBe(false);
    const path = join(dir, 'read-only.sqlite');
    await (await openFeedbackStore(path)).close();
    const store = await openFeedbackStore(path, { readOnly: true });
    expect(await store.counts(kb.data.settings.name)).toEqual([]);
    expect((await failure(() => store.record({ kb, cause: cause1!, solved: true }))).code).toBe('STORE_FAILED');
    await store.close();
    // An SQLite file that is not kb's feedback database.
    const other = join(dir, 'other.sqlite');
    new BetterSqlite3(other).close();
    expect((await failure(() => openFeedbackStore(other, { readOnly: true }))).message).toMatch(/not a feedback database/);
  });
});
