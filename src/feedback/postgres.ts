import pg from 'pg';
import { checkFeedback, storeFailed } from './check.ts';
import { FeedbackError } from './errors.ts';
import { migrations, schemaVersion } from './schema.ts';
import { type FeedbackCount, type FeedbackStore, statsOf } from './types.ts';

export interface PostgresOptions {
  /** Read only (kb priors): nothing is created or migrated. */
  readonly readOnly?: boolean;
  /** Time to connect and time each statement may take, in ms (default 5000). */
  readonly timeoutMs?: number;
  /** Connections per instance (default 4). */
  readonly maxConnections?: number;
}

/** Whether --db names a PostgreSQL database rather than an SQLite file. */
export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location.trim());
}

/** The URL as it may be logged and shown: the password replaced. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    // Unparseable: keep only the scheme, so nothing secret is echoed.
    return `${url.trim().split(':')[0]?.slice(0, 20) ?? 'postgres'}://…`;
  }
}

// Serialises migrations of several instances starting at once (pg_advisory_xact_lock).
const migrationLock = 0x6b62_6664; // "kbfd"

function parse(url: string): URL {
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    throw new FeedbackError('STORE_FAILED', `The feedback database "${redactUrl(url)}" is not a valid URL; expected postgres://user@host:port/database.`);
  }
  if (!u.hostname) throw new FeedbackError('STORE_FAILED', `The feedback database "${redactUrl(url)}" names no host; expected postgres://user@host:port/database.`);
  if (u.port !== '' && !(Number(u.port) >= 1 && Number(u.port) <= 65_535)) throw new FeedbackError('STORE_FAILED', `The feedback database "${redactUrl(url)}" has an invalid port.`);
  return u;
}

async function migrate(pool: pg.Pool, location: string, readOnly: boolean): Promise<void> {
  const client = await pool.connect();
  try {
    if (readOnly) {
      const { rows } = await client.query<{ feedback: string | null; schema: string | null }>("SELECT to_regclass('feedback')::text AS feedback, to_regclass('kb_feedback_schema')::text AS schema");
      if (!rows[0]?.feedback || !rows[0].schema) throw new FeedbackError('STORE_FAILED', `The database "${location}" holds no feedback of kb yet (no feedback table); kb serve --db creates it.`);
      const v = await client.query<{ v: number }>('SELECT COALESCE(MAX(version), 0)::int AS v FROM kb_feedback_schema');
      if (v.rows[0]!.v > schemaVersion) throw newer(location, v.rows[0]!.v);
      return;
    }
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [migrationLock]);
    await client.query('CREATE TABLE IF NOT EXISTS kb_feedback_schema (version INTEGER PRIMARY KEY, what TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())');
    const { rows } = await client.query<{ v: number }>('SELECT COALESCE(MAX(version), 0)::int AS v FROM kb_feedback_schema');
    const current = rows[0]!.v;
    if (current > schemaVersion) throw newer(location, current);
    for (let version = current; version < schemaVersion; version++) {
      await client.query(migrations[version]!.postgres);
      await client.query('INSERT INTO kb_feedback_schema (version, what) VALUES ($1, $2)', [version + 1, migrations[version]!.what]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

function newer(location: string, version: number): FeedbackError {
  return new FeedbackError('STORE_FAILED', `The feedback database "${location}" has schema version ${version}, newer than this program knows (${schemaVersion}); use a newer version of kb or another database.`);
}

/**
 * Connects to the PostgreSQL database at `url` (postgres://user[:password]@host[:port]/database) and
 * migrates it to the current schema; several instances may do so at once. The password comes from the
 * URL or PGPASSWORD; no password file is read. Throws FeedbackError STORE_FAILED when the server cannot
 * be reached in time, refuses the sign-in, or is not PostgreSQL.
 */
export async function openPostgresStore(url: string, options: PostgresOptions = {}): Promise<FeedbackStore> {
  const u = parse(url);
  const location = redactUrl(url);
  const timeoutMs = options.timeoutMs ?? 5000;
  const password = u.password ? decodeURIComponent(u.password) : (process.env['PGPASSWORD'] ?? '');
  const pool = new pg.Pool({
    connectionString: url.trim(),
    // A function, so pg never falls back to reading a password file.
    password: async () => password,
    max: options.maxConnections ?? 4,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    statement_timeout: timeoutMs,
    idleTimeoutMillis: 30_000,
    application_name: 'exchange-kb',
  });
  // A connection that breaks while idle (a database restart) is replaced on the next query; without
  // this listener pg would throw it as an uncaught error.
  pool.on('error', () => {});
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await pool.end().catch(() => {});
  };
  try {
    await migrate(pool, location, options.readOnly === true);
  } catch (error) {
    await close();
    throw error instanceof FeedbackError ? error : storeFailed(location, 'set up', error);
  }
  const query = async <R extends pg.QueryResultRow>(what: string, text: string, values: unknown[]): Promise<R[]> => {
    if (closed) throw new FeedbackError('STORE_FAILED', `The feedback database "${location}" is closed.`);
    try {
      return (await pool.query<R>(text, values)).rows;
    } catch (error) {
      throw storeFailed(location, what, error);
    }
  };
  const counts = async (kbName: string): Promise<FeedbackCount[]> => {
    const rows = await query<{ symptom: string | null; cause: string; solved: string; notSolved: string }>(
      'read',
      'SELECT symptom, cause, SUM(solved)::bigint AS solved, SUM(1 - solved)::bigint AS "notSolved" FROM feedback WHERE kb_name = $1 GROUP BY symptom, cause ORDER BY symptom NULLS FIRST, cause',
      [kbName],
    );
    return rows.map((r) => ({ symptom: r.symptom, cause: r.cause, solved: Number(r.solved), notSolved: Number(r.notSolved) }));
  };
  return {
    kind: 'postgres',
    location,
    async record(input) {
      const row = checkFeedback(input);
      if (options.readOnly) throw new FeedbackError('STORE_FAILED', `The feedback database "${location}" was opened read-only.`);
      const rows = await query<{ id: string }>(
        'write to',
        'INSERT INTO feedback (created_at, kb_name, kb_version, symptom, cause, solved, lang) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id',
        [new Date().toISOString(), row.kbName, row.kbVersion, row.symptom, row.cause, row.solved, row.lang],
      );
      return { id: Number(rows[0]!.id) };
    },
    counts,
    async stats(kb) {
      return statsOf(kb, await counts(kb.data.settings.name));
    },
    close,
  };
}
