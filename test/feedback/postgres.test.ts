import { createServer, type Server, type Socket } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadKnowledgeBase } from '../../src/engine/knowledge-base.ts';
import { FeedbackError, type FeedbackInput, migrations, openFeedbackStore, redactUrl, schemaVersion } from '../../src/feedback/index.ts';
import { startPostgres, type TestPostgres } from '../_support/postgres.ts';
import { postgresBinDir, postgresInstall, requireService } from '../_support/services.ts';

/** The feedback store on a real PostgreSQL server that this file starts (initdb + pg_ctl, loopback only). */
const run = requireService('PostgreSQL', postgresBinDir, postgresInstall);
const pgTest = run ? test : test.skip;

const kb = loadKnowledgeBase();
const [cause1, cause2] = kb.data.causes.map((c) => c.id);
const symptom = kb.data.symptoms[0]!.id;
let server: TestPostgres;

beforeAll(async () => {
  if (run) server = await startPostgres();
}, 90_000);
afterAll(async () => {
  await server?.stop();
});

async function failure(work: () => Promise<unknown>): Promise<FeedbackError> {
  const error = await work().then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FeedbackError);
  return error as FeedbackError;
}

async function sql<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, password: async () => '' });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** A TCP server on 127.0.0.1 that accepts and then never answers, or answers nonsense. */
async function fakeServer(behaviour: 'hang' | 'lie'): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const srv: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    if (behaviour === 'lie') socket.end('HTTP/1.1 200 OK\r\ncontent-type: text/html\r\n\r\n<html>not a database</html>');
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as { port: number }).port;
  return {
    url: `postgres://kb:secret-password@127.0.0.1:${port}/kb`,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        srv.close(() => resolve());
      }),
  };
}

describe('the feedback store on PostgreSQL', () => {
  pgTest('records answers, counts them per symptom and cause, and keeps them when opened again', async () => {
    const url = await server.url('kb_contract');
    const store = await openFeedbackStore(url);
    expect(store.kind).toBe('postgres');
    const a = await store.record({ kb, symptom, cause: cause1!, solved: true, lang: 'de' });
    const b = await store.record({ kb, symptom: null, cause: cause1!, solved: false });
    await store.record({ kb, cause: cause2!, solved: true, lang: 'en' });
    expect(b.id).toBeGreaterThan(a.id);
    const counts = await store.counts(kb.data.settings.name);
    expect(counts).toHaveLength(3);
    expect(counts).toEqual(
      expect.arrayContaining([
        { symptom: null, cause: cause1, solved: 0, notSolved: 1 },
        { symptom: null, cause: cause2, solved: 1, notSolved: 0 },
        { symptom, cause: cause1, solved: 1, notSolved: 0 },
      ]),
    );
    const stats = await store.stats(kb);
    expect(stats.causes.find((c) => c.id === cause1)).toEqual({ id: cause1, solved: 1, notSolved: 1 });
    await store.close();
    await store.close(); // twice is harmless
    expect((await failure(() => store.record({ kb, cause: cause1!, solved: true }))).code).toBe('STORE_FAILED');

    const again = await openFeedbackStore(url);
    expect(await again.stats(kb)).toEqual(stats);
    await again.close();

    // The same columns as the SQLite file, only ids in the rows, and one row per migration step.
    const columns = await sql<{ column_name: string }>(url, "SELECT column_name FROM information_schema.columns WHERE table_name = 'feedback' ORDER BY ordinal_position");
    expect(columns.map((c) => c.column_name)).toEqual(['id', 'created_at', 'kb_name', 'kb_version', 'symptom', 'cause', 'solved', 'lang']);
    const steps = await sql<{ version: number; what: string }>(url, 'SELECT version, what FROM kb_feedback_schema ORDER BY version');
    expect(steps).toEqual(migrations.map((m, i) => ({ version: i + 1, what: m.what })));
    const first = (await sql<Record<string, unknown>>(url, 'SELECT * FROM feedback ORDER BY id LIMIT 1'))[0]!;
    expect(first).toMatchObject({ kb_name: kb.data.settings.name, symptom, cause: cause1, solved: 1, lang: 'de' });
  });

  pgTest('bad input is refused before anything is stored', async () => {
    const store = await openFeedbackStore(await server.url('kb_bad_input'));
    try {
      expect(await failure(() => store.record({ kb, cause: 'no-such-cause', solved: true }))).toMatchObject({ code: 'CAUSE_UNKNOWN', field: 'cause' });
      expect(await failure(() => store.record({ kb, symptom: 'no-such-symptom', cause: cause1!, solved: true }))).toMatchObject({ code: 'SYMPTOM_UNKNOWN', field: 'symptom' });
      expect(await failure(() => store.record({ kb, cause: cause1!, solved: 'yes' } as unknown as FeedbackInput))).toMatchObject({ code: 'REQUEST_INVALID', field: 'solved' });
      // Hostile text in an id never reaches SQL: ids are checked against the knowledge base, values are parameters.
      expect(await failure(() => store.record({ kb, cause: "x'); DROP TABLE feedback; --", solved: true }))).toMatchObject({ code: 'CAUSE_UNKNOWN' });
      expect(await store.counts(kb.data.settings.name)).toEqual([]);
      expect(await store.counts("'; DROP TABLE feedback; --\ud800")).toEqual([]);
      // A NUL in a parameter: PostgreSQL refuses it; a clear error, and the store keeps working.
      expect((await failure(() => store.counts('a\u0000b'))).code).toBe('STORE_FAILED');
      expect(await store.counts(kb.data.settings.name)).toEqual([]);
    } finally {
      await store.close();
    }
  });

  pgTest('several instances starting at once migrate once, and each sees what all write', async () => {
    const url = await server.url('kb_many');
    const stores = await Promise.all([1, 2, 3, 4].map(() => openFeedbackStore(url)));
    try {
      expect((await sql<{ n: number }>(url, 'SELECT count(*)::int AS n FROM kb_feedback_schema'))[0]!.n).toBe(schemaVersion);
      await Promise.all(stores.map((s, i) => s.record({ kb, symptom, cause: cause1!, solved: i % 2 === 0 })));
      for (const s of stores) expect(await s.counts(kb.data.settings.name)).toEqual([{ symptom, cause: cause1, solved: 2, notSolved: 2 }]);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  pgTest('a database of schema version 1 is migrated when opened, keeping its rows', async () => {
    const url = await server.url('kb_version_one');
    await sql(url, 'CREATE TABLE kb_feedback_schema (version INTEGER PRIMARY KEY, what TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())');
    await sql(url, migrations[0]!.postgres);
    await sql(url, "INSERT INTO kb_feedback_schema (version, what) VALUES (1, 'the feedback table')");
    await sql(url, "INSERT INTO feedback (created_at, kb_name, kb_version, symptom, cause, solved, lang) VALUES (now(), $1, '0.9.0', $2, $3, 1, 'en')", [kb.data.settings.name, symptom, cause2]);
    const store = await openFeedbackStore(url);
    expect(await store.counts(kb.data.settings.name)).toEqual([{ symptom, cause: cause2, solved: 1, notSolved: 0 }]);
    await store.close();
    const indexes = await sql<{ indexname: string }>(url, "SELECT indexname FROM pg_indexes WHERE tablename = 'feedback' ORDER BY indexname");
    expect(indexes.map((i) => i.indexname)).toEqual(['feedback_kb_cause', 'feedback_kb_symptom_cause', 'feedback_pkey']);
  });

  pgTest('a database from a newer program is refused, not changed; read-only opens of an empty database fail clearly', async () => {
    const url = await server.url('kb_newer');
    await (await openFeedbackStore(url)).close();
    await sql(url, "INSERT INTO kb_feedback_schema (version, what) VALUES ($1, 'from the future')", [schemaVersion + 1]);
    expect((await failure(() => openFeedbackStore(url))).message).toMatch(/newer than this program/);
    expect((await failure(() => openFeedbackStore(url, { readOnly: true }))).message).toMatch(/newer than this program/);
    const empty = await server.url('kb_empty');
    const error = await failure(() => openFeedbackStore(empty, { readOnly: true }));
    expect(error.message).toMatch(/no feedback table/);
    expect((await sql<{ t: string | null }>(empty, "SELECT to_regclass('feedback')::text AS t"))[0]!.t).toBeNull();
  });

  pgTest('a database that does not exist, or a user who may not sign in, is STORE_FAILED naming the URL without its password', async () => {
    const url = (await server.url()).replace('/postgres', '/no_such_database').replace('kb@', 'kb:hunter2-secret@');
    const error = await failure(() => openFeedbackStore(url, { timeoutMs: 3000 }));
    expect(error.code).toBe('STORE_FAILED');
    expect(error.message).toMatch(/no_such_database/);
    expect(error.message).not.toContain('hunter2-secret');
    expect(error.message).toContain('***');
  });
});

describe('PostgreSQL URLs and servers that cannot be used (no PostgreSQL needed)', () => {
  test.each([
    ['postgres://', /not a valid URL|names no host/],
    ['postgres:///kb', /names no host/],
    ['postgresql://kb@127.0.0.1:99999/kb', /not a valid URL|invalid port/],
    ['postgres://kb@[::1/kb', /not a valid URL/],
  ])('%s is a clear STORE_FAILED error', async (url, message) => {
    const error = await failure(() => openFeedbackStore(url));
    expect(error.code).toBe('STORE_FAILED');
    expect(error.message).toMatch(message);
  });

  test('nothing listening: STORE_FAILED at once', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const error = await failure(() => openFeedbackStore(`postgres://kb@127.0.0.1:${port}/kb`, { timeoutMs: 2000 }));
    expect(error.message).toMatch(/ECONNREFUSED/);
  });

  test('a server that accepts and never answers: STORE_FAILED after the time limit, password not shown', async () => {
    const fake = await fakeServer('hang');
    try {
      const error = await failure(() => openFeedbackStore(fake.url, { timeoutMs: 500 }));
      expect(error.code).toBe('STORE_FAILED');
      expect(error.message).toMatch(/timeout|time/i);
      expect(error.message).not.toContain('secret-password');
    } finally {
      await fake.close();
    }
  });

  test('a server that is not PostgreSQL: STORE_FAILED, no crash', async () => {
    const fake = await fakeServer('lie');
    try {
      const error = await failure(() => openFeedbackStore(fake.url, { timeoutMs: 2000 }));
      expect(error.code).toBe('STORE_FAILED');
      expect(error.message).toContain('127.0.0.1');
    } finally {
      await fake.close();
    }
  });

  test('redactUrl hides the password, and everything of a URL it cannot read', () => {
    expect(redactUrl('postgres://kb:s3cret@db.example.com:5432/kb')).toBe('postgres://kb:***@db.example.com:5432/kb');
    expect(redactUrl('postgres://kb@db.example.com/kb')).toBe('postgres://kb@db.example.com/kb');
    expect(redactUrl('postgres://kb:s3cret@[::1/kb')).not.toContain('s3cret');
  });
});
