import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { checkFeedback, storeFailed } from './check.ts';
import { FeedbackError } from './errors.ts';
import { migrations, schemaVersion } from './schema.ts';
import { type FeedbackCount, type FeedbackStore, statsOf } from './types.ts';

export interface SqliteOptions {
  /** Read only (kb priors): the file must exist and is neither created nor migrated. */
  readonly readOnly?: boolean;
}

/** Brings the database to `schemaVersion`, each step in its own transaction. */
function migrate(db: BetterSqlite3.Database, path: string, readOnly: boolean): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > schemaVersion) {
    throw new FeedbackError('STORE_FAILED', `The feedback database "${path}" has schema version ${current}, newer than this program knows (${schemaVersion}); use a newer version of kb or another file.`);
  }
  // Reading needs only the first step's table; an older file is migrated by the next kb serve.
  if (readOnly) {
    if (current < 1) throw new FeedbackError('STORE_FAILED', `"${path}" is not a feedback database of kb (no feedback table).`);
    return;
  }
  for (let version = current; version < schemaVersion; version++) {
    db.transaction(() => {
      db.exec(migrations[version]!.sqlite);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}

/**
 * Opens (and creates, with its folder) the SQLite file at `path`, in WAL mode, migrated to the current
 * schema. Throws FeedbackError STORE_FAILED when the file cannot be created, written or read.
 */
export function openSqliteStore(path: string, options: SqliteOptions = {}): FeedbackStore {
  if (typeof path !== 'string' || path.trim() === '') throw new FeedbackError('STORE_FAILED', 'The feedback database needs a file path.');
  const readOnly = options.readOnly === true;
  let db: BetterSqlite3.Database;
  try {
    if (readOnly && path !== ':memory:' && !existsSync(path)) throw new Error('no such file');
    if (!readOnly && path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    db = new BetterSqlite3(path, { fileMustExist: readOnly, readonly: readOnly });
  } catch (error) {
    throw storeFailed(path, 'open', error);
  }
  try {
    if (!readOnly) db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 2000');
    migrate(db, path, readOnly);
  } catch (error) {
    db.close();
    throw error instanceof FeedbackError ? error : storeFailed(path, 'set up', error);
  }
  const insert = readOnly
    ? null
    : db.prepare<[string, string, string, string | null, string, number, string | null]>(
        'INSERT INTO feedback (created_at, kb_name, kb_version, symptom, cause, solved, lang) VALUES (?, ?, ?, ?, ?, ?, ?)',
      );
  const counts = db.prepare<[string], FeedbackCount>(
    'SELECT symptom, cause, SUM(solved) AS solved, SUM(1 - solved) AS notSolved FROM feedback WHERE kb_name = ? GROUP BY symptom, cause ORDER BY symptom, cause',
  );
  const read = (kbName: string): FeedbackCount[] => {
    try {
      return counts.all(kbName).map((r) => ({ symptom: r.symptom, cause: r.cause, solved: Number(r.solved), notSolved: Number(r.notSolved) }));
    } catch (error) {
      throw storeFailed(path, 'read', error);
    }
  };
  return {
    kind: 'sqlite',
    location: path,
    async record(input) {
      const row = checkFeedback(input);
      if (!insert) throw new FeedbackError('STORE_FAILED', `The feedback database "${path}" was opened read-only.`);
      try {
        const info = insert.run(new Date().toISOString(), row.kbName, row.kbVersion, row.symptom, row.cause, row.solved, row.lang);
        return { id: Number(info.lastInsertRowid) };
      } catch (error) {
        throw storeFailed(path, 'write to', error);
      }
    },
    async counts(kbName) {
      return read(kbName);
    },
    async stats(kb) {
      return statsOf(kb, read(kb.data.settings.name));
    },
    async close() {
      if (db.open) db.close();
    },
  };
}
