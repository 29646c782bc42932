import { ApiError } from './errors.ts';

/** Keys that could reach an object's prototype in code that merges objects; refused anywhere in a body. */
const forbiddenKeys = new Set(['__proto__', 'constructor', 'prototype']);

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The deepest array/object nesting of a JSON text, stopping as soon as `limit` is exceeded. */
function nestingExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

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
  refuseForbiddenKeys(value, []);
  return value;
}

function refuseForbiddenKeys(value: unknown, path: string[]): void {
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    value.forEach((v, i) => refuseForbiddenKeys(v, [...path, String(i)]));
    return;
  }
  for (const key of Object.keys(value)) {
    const here = [...path, key];
    if (forbiddenKeys.has(key)) throw new ApiError('FORBIDDEN_KEY', `The key "${key}" is not allowed in a request.`, here.join('.'));
    refuseForbiddenKeys((value as Record<string, unknown>)[key], here);
  }
}

/** Whether a Content-Type header names JSON in UTF-8 (a charset other than UTF-8 is refused). */
export function isUtf8Json(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const [essence = '', ...params] = contentType.toLowerCase().split(';').map((s) => s.trim());
  if (essence !== 'application/json') return false;
  const charset = params.find((p) => p.startsWith('charset='))?.slice(8).replace(/"/g, '');
  return charset === undefined || charset === 'utf-8' || charset === 'utf8';
}
