/**
 * Support agents' feedback on which cause solved a case, kept in an SQLite file.
 *
 *   const store = openFeedbackStore('kb-feedback.sqlite');
 *   store.record({ kb, symptom: 'unauthorized', cause: 'wrong-password', solved: true, lang: 'de' });
 *   store.stats(kb); // { kb: { name, version }, causes: [{ id, solved, notSolved }] }
 *   store.close();
 *
 * Privacy: a row holds the knowledge base's name and version, the symptom and cause ids, the answer,
 * the language and the time. The pasted message and fact values are never stored (they may contain
 * customer data), and `record()` takes no such fields.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { CompiledKnowledgeBase } from '../engine/knowledge-base.ts';
import { FeedbackError } from './errors.ts';
import { migrate } from './schema.ts';

export { FeedbackError, type FeedbackErrorCode } from './errors.ts';
export { schemaVersion } from './schema.ts';

export interface FeedbackInput {
  /** The knowledge base the agent worked with; cause and symptom must exist in it. */
  readonly kb: CompiledKnowledgeBase;
  /** The symptom id, or null/undefined when none was recognised. */
  readonly symptom?: string | null | undefined;
  readonly cause: string;
  /** true: this cause solved the case; false: it did not. */
  readonly solved: boolean;
  readonly lang?: 'de' | 'en' | undefined;
}

export interface CauseFeedback {
  readonly id: string;
  readonly solved: number;
  readonly notSolved: number;
}

export interface FeedbackStats {
  readonly kb: { readonly name: string; readonly version: string };
  /** Every cause of the knowledge base in its order, with the answers recorded for it (all versions of the knowledge base with this name). */
  readonly causes: readonly CauseFeedback[];
}

export interface FeedbackStore {
  readonly path: string;
  /** Checks and stores one answer; throws FeedbackError (CAUSE_UNKNOWN, SYMPTOM_UNKNOWN, CAUSE_NOT_OF_SYMPTOM, REQUEST_INVALID, STORE_FAILED). */
  record(input: FeedbackInput): { id: number };
  stats(kb: CompiledKnowledgeBase): FeedbackStats;
  close(): void;
}

const idPattern = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

function invalid(field: string, message: string): FeedbackError {
  return new FeedbackError('REQUEST_INVALID', message, { field });
}

/** Checks the input at runtime too: the library may be called from plain JavaScript. */
function check(input: FeedbackInput): { symptom: string | null; cause: string; solved: 0 | 1; lang: string | null } {
  const { kb, symptom, cause, solved, lang } = input as unknown as Record<string, unknown> & { kb: CompiledKnowledgeBase };
  if (typeof cause !== 'string' || cause === '') throw invalid('cause', 'cause must be the id of a cause (a non-empty string).');
  if (typeof solved !== 'boolean') throw invalid('solved', 'solved must be true or false.');
  if (lang !== undefined && lang !== null && lang !== 'de' && lang !== 'en') throw invalid('lang', 'lang must be "de" or "en".');
  if (symptom !== undefined && symptom !== null && typeof symptom !== 'string') throw invalid('symptom', 'symptom must be the id of a symptom, or null.');
  if (!idPattern.test(cause) || !kb.causes.has(cause)) {
    throw new FeedbackError('CAUSE_UNKNOWN', `The knowledge base has no cause "${cause.slice(0, 100)}".`, { field: 'cause' });
  }
  if (typeof symptom === 'string' && !kb.data.symptoms.some((s) => s.id === symptom)) {
    throw new FeedbackError('SYMPTOM_UNKNOWN', `The knowledge base has no symptom "${symptom.slice(0, 100)}".`, { field: 'symptom' });
  }
  // An answer about a cause the symptom cannot have would count for a case that never happened.
  if (typeof symptom === 'string' && !(kb.bySymptom.get(symptom) ?? []).some((c) => c.decl.id === cause)) {
    const known = (kb.bySymptom.get(symptom) ?? []).map((c) => c.decl.id);
    throw new FeedbackError('CAUSE_NOT_OF_SYMPTOM', `The cause "${cause}" does not belong to the symptom "${symptom}"; its causes are ${known.join(', ') || '(none)'}.`, { field: 'cause' });
  }
  return { symptom: typeof symptom === 'string' ? symptom : null, cause, solved: solved ? 1 : 0, lang: typeof lang === 'string' ? lang : null };
}

function storeFailed(path: string, what: string, error: unknown): FeedbackError {
  const reason = error instanceof Error ? error.message : String(error);
  return new FeedbackError('STORE_FAILED', `Cannot ${what} the feedback database "${path}": ${reason}`, { cause: error });
}

/**
 * Opens (and creates, with its folder) the feedback database at `path`, in WAL mode, migrated to the
 * current schema. Throws FeedbackError STORE_FAILED when the file cannot be created, written or read.
 */
export function openFeedbackStore(path: string): FeedbackStore {
  if (typeof path !== 'string' || path.trim() === '') throw new FeedbackError('STORE_FAILED', 'The feedback database needs a file path.');
  let db: BetterSqlite3.Database;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    db = new BetterSqlite3(path, { fileMustExist: false });
  } catch (error) {
    throw storeFailed(path, 'open', error);
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 2000');
    migrate(db, path);
  } catch (error) {
    db.close();
    throw error instanceof FeedbackError ? error : storeFailed(path, 'set up', error);
  }
  const insert = db.prepare<[string, string, string, string | null, string, number, string | null]>(
    'INSERT INTO feedback (created_at, kb_name, kb_version, symptom, cause, solved, lang) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const counts = db.prepare<[string], { cause: string; solved: number; notSolved: number }>(
    'SELECT cause, SUM(solved) AS solved, SUM(1 - solved) AS notSolved FROM feedback WHERE kb_name = ? GROUP BY cause',
  );
  return {
    path,
    record(input) {
      const row = check(input);
      const { name, version } = input.kb.data.settings;
      try {
        const info = insert.run(new Date().toISOString(), name, version, row.symptom, row.cause, row.solved, row.lang);
        return { id: Number(info.lastInsertRowid) };
      } catch (error) {
        throw storeFailed(path, 'write to', error);
      }
    },
    stats(kb) {
      const { name, version } = kb.data.settings;
      let rows: { cause: string; solved: number; notSolved: number }[];
      try {
        rows = counts.all(name);
      } catch (error) {
        throw storeFailed(path, 'read', error);
      }
      const byCause = new Map(rows.map((r) => [r.cause, r]));
      return {
        kb: { name, version },
        causes: kb.data.causes.map((c) => ({ id: c.id, solved: byCause.get(c.id)?.solved ?? 0, notSolved: byCause.get(c.id)?.notSolved ?? 0 })),
      };
    },
    close() {
      if (db.open) db.close();
    },
  };
}
