import { forbiddenKeyPath, nestingExceeds } from '../engine/json-guard.ts';
import { ApiError } from './errors.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a JSON request body strictly: UTF-8 only (invalid bytes are an error, not U+FFFD), nesting
 * bounded, and no `__proto__` / `constructor` / `prototype` keys at any depth.
 */
export function parseJsonBody(raw: Buffer, maxDepth: number): unknown {
  if (raw.length === 0) throw new ApiError('BAD_JSON', 'The body is empty; send a JSON object.');
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    throw new ApiError('BAD_ENCODING', 'The body is not valid UTF-8.');
  }
  if (nestingExceeds(text, maxDepth)) throw new ApiError('BODY_TOO_DEEP', `The body is nested deeper than ${maxDepth} levels.`);
  let value: unknown;
  try {
    // JSON.parse defines "__proto__" as a plain own key (no prototype is touched); refuse it below.
    value = JSON.parse(text);
  } catch (error) {
    const at = /position (\d+)/.exec(error instanceof Error ? error.message : '')?.[1];
    throw new ApiError('BAD_JSON', `The body is not valid JSON${at ? ` (at character ${at})` : ''}.`);
  }
  const forbidden = forbiddenKeyPath(value);
  if (forbidden) throw new ApiError('FORBIDDEN_KEY', `The key "${forbidden.at(-1)}" is not allowed in a request.`, forbidden.join('.'));
  return value;
}

/** Whether a Content-Type header names JSON in UTF-8 (a charset other than UTF-8 is refused). */
export function isUtf8Json(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const [essence = '', ...params] = contentType.toLowerCase().split(';').map((s) => s.trim());
  if (essence !== 'application/json') return false;
  const charset = params.find((p) => p.startsWith('charset='))?.slice(8).replace(/"/g, '');
  return charset === undefined || charset === 'utf-8' || charset === 'utf8';
}
