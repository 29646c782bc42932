import { FeedbackError } from './errors.ts';
import type { FeedbackInput } from './types.ts';

/** A checked answer, ready for a row. */
export interface FeedbackRow {
  readonly kbName: string;
  readonly kbVersion: string;
  readonly symptom: string | null;
  readonly cause: string;
  readonly solved: 0 | 1;
  readonly lang: 'de' | 'en' | null;
}

const idPattern = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

function invalid(field: string, message: string): FeedbackError {
  return new FeedbackError('REQUEST_INVALID', message, { field });
}

/** Checks an answer at runtime too (the library may be called from plain JavaScript); throws FeedbackError. */
export function checkFeedback(input: FeedbackInput): FeedbackRow {
  const { kb, symptom, cause, solved, lang } = input as unknown as Record<string, unknown> & Pick<FeedbackInput, 'kb'>;
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
  const { name, version } = kb.data.settings;
  return { kbName: name, kbVersion: version, symptom: typeof symptom === 'string' ? symptom : null, cause, solved: solved ? 1 : 0, lang: lang === 'de' || lang === 'en' ? lang : null };
}

/** A store failure with the location (path or URL without its password) and the reason. */
export function storeFailed(location: string, what: string, error: unknown): FeedbackError {
  const reason = error instanceof Error ? error.message : String(error);
  return new FeedbackError('STORE_FAILED', `Cannot ${what} the feedback database "${location}": ${reason || 'no reason given'}`, { cause: error });
}
