import type { Database } from 'better-sqlite3';
import { FeedbackError } from './errors.ts';

/**
 * The database's schema, one step per version. `PRAGMA user_version` records the steps that ran, so a
 * later version of this program adds a step here and existing files are migrated when they are opened.
 *
 * Only ids, the answer and the language are stored: never the pasted message nor fact values, which may
 * contain customer data (names, addresses, URLs of a customer's server).
 */
const migrations: readonly string[] = [
  `CREATE TABLE feedback (
     id         INTEGER PRIMARY KEY AUTOINCREMENT,
     created_at TEXT    NOT NULL,
     kb_name    TEXT    NOT NULL,
     kb_version TEXT    NOT NULL,
     symptom    TEXT,
     cause      TEXT    NOT NULL,
     solved     INTEGER NOT NULL CHECK (solved IN (0, 1)),
     lang       TEXT    CHECK (lang IS NULL OR lang IN ('de', 'en'))
   );
   CREATE INDEX feedback_kb_cause ON feedback (kb_name, cause);`,
];

/** The schema version this program writes. */
export const schemaVersion = migrations.length;

/** Brings the database to `schemaVersion`, each step in its own transaction. */
export function migrate(db: Database, path: string): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > schemaVersion) {
    throw new FeedbackError('STORE_FAILED', `The feedback database "${path}" has schema version ${current}, newer than this program knows (${schemaVersion}); use a newer version of kb or another file.`);
  }
  for (let version = current; version < schemaVersion; version++) {
    db.transaction(() => {
      db.exec(migrations[version]!);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
