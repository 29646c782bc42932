/**
 * The feedback database's schema, one step per version, in the two dialects the store speaks. Both
 * hold the same table with the same columns; a later version of this program appends a step here and
 * existing databases are migrated when they are opened (SQLite: `PRAGMA user_version`; PostgreSQL: the
 * table `kb_feedback_schema`, one row per step that ran).
 *
 * Only ids, the answer and the language are stored: never the pasted message nor fact values, which may
 * contain customer data (names, addresses, URLs of a customer's server).
 */
export interface Migration {
  /** What the step adds, for the log and for error messages. */
  readonly what: string;
  readonly sqlite: string;
  readonly postgres: string;
}

export const migrations: readonly Migration[] = [
  {
    what: 'the feedback table',
    sqlite: `CREATE TABLE feedback (
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
    postgres: `CREATE TABLE feedback (
       id         BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
       created_at TIMESTAMPTZ NOT NULL,
       kb_name    TEXT        NOT NULL,
       kb_version TEXT        NOT NULL,
       symptom    TEXT,
       cause      TEXT        NOT NULL,
       solved     SMALLINT    NOT NULL CHECK (solved IN (0, 1)),
       lang       TEXT        CHECK (lang IS NULL OR lang IN ('de', 'en'))
     );
     CREATE INDEX feedback_kb_cause ON feedback (kb_name, cause);`,
  },
  {
    // Learned priors count per symptom and cause; every instance runs that query on an interval.
    what: 'an index for the counts per symptom and cause',
    sqlite: 'CREATE INDEX feedback_kb_symptom_cause ON feedback (kb_name, symptom, cause);',
    postgres: 'CREATE INDEX feedback_kb_symptom_cause ON feedback (kb_name, symptom, cause);',
  },
];

/** The schema version this program writes. */
export const schemaVersion = migrations.length;
