/**
 * Support agents' feedback on which cause solved a case, kept in an SQLite file (the embedded
 * default) or in PostgreSQL (several `kb serve` instances sharing one database), with the same schema.
 *
 *   const store = await openFeedbackStore('kb-feedback.sqlite');        // or 'postgres://kb@db:5432/kb'
 *   await store.record({ kb, symptom: 'unauthorized', cause: 'credentials-wrong', solved: true, lang: 'de' });
 *   await store.counts('exchange-ews'); // [{ symptom, cause, solved, notSolved }]
 *   await store.close();
 *
 * Privacy: a row holds the knowledge base's name and version, the symptom and cause ids, the answer,
 * the language and the time. The pasted message and fact values are never stored (they may contain
 * customer data), and `record()` takes no such fields.
 */
import { FeedbackError } from './errors.ts';
import { isPostgresUrl, openPostgresStore, type PostgresOptions } from './postgres.ts';
import { openSqliteStore } from './sqlite.ts';
import type { FeedbackStore } from './types.ts';

export { FeedbackError, type FeedbackErrorCode } from './errors.ts';
export { isPostgresUrl, redactUrl } from './postgres.ts';
export { migrations, schemaVersion } from './schema.ts';
export { openSqliteStore } from './sqlite.ts';
export { type CauseFeedback, type FeedbackCount, type FeedbackInput, type FeedbackStats, type FeedbackStore, statsOf } from './types.ts';

export type OpenOptions = PostgresOptions;

/**
 * Opens the feedback database `location`: a postgres:// or postgresql:// URL, else an SQLite file path
 * (created with its folder unless read-only). Migrates it to the current schema. Rejects with
 * FeedbackError STORE_FAILED when it cannot be used.
 */
export async function openFeedbackStore(location: string, options: OpenOptions = {}): Promise<FeedbackStore> {
  if (typeof location !== 'string' || location.trim() === '') throw new FeedbackError('STORE_FAILED', 'The feedback database needs a file path or a postgres:// URL.');
  if (isPostgresUrl(location)) return openPostgresStore(location, options);
  return openSqliteStore(location, options.readOnly === undefined ? {} : { readOnly: options.readOnly });
}
