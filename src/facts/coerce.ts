import type { FactDeclaration, FactValue } from '../generated/schema-types.ts';
import { formatVersion, parseVersion } from './version.ts';

export type CoerceResult = { ok: true; value: FactValue } | { ok: false; expected: string };

/** The words a boolean fact reads as true or false (after trimming, in any case). */
export const booleanWords = {
  yes: ['true', 'yes', 'y', 'ja', 'j', '1', 'on', 'wahr', 'oui'],
  no: ['false', 'no', 'n', 'nein', '0', 'off', 'falsch', 'non'],
} as const;
const yes: ReadonlySet<string> = new Set(booleanWords.yes);
const no: ReadonlySet<string> = new Set(booleanWords.no);

/** Longest string kept as a fact value, in characters (code points, as JSON Schema's maxLength counts); longer text is not a value anyone typed into the form. */
export const maxFactLength = 2048;

/** Most items a list fact takes. */
export const maxListItems = 500;

/** Characters of a text as JSON Schema counts them: code points, a surrogate pair is one. */
export function codePointLength(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/**
 * Turns what a person or a tool gave into the fact's declared type: "ja" → true, "401" → 401,
 * "14.02.0247.005" → "14.2.247.5", a comma list → string list; option values match case-insensitively
 * and come back in their declared spelling. Returns what was expected when it cannot.
 */
export function coerceFactValue(decl: FactDeclaration, raw: unknown): CoerceResult {
  const fail = (expected: string): CoerceResult => ({ ok: false, expected });
  switch (decl.type) {
    case 'boolean': {
      if (typeof raw === 'boolean') return { ok: true, value: raw };
      if (typeof raw === 'number' && (raw === 0 || raw === 1)) return { ok: true, value: raw === 1 };
      if (typeof raw === 'string') {
        const s = raw.trim().toLowerCase();
        if (yes.has(s)) return { ok: true, value: true };
        if (no.has(s)) return { ok: true, value: false };
      }
      return fail('true or false (yes/no, ja/nein)');
    }
    case 'integer': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*-?\d{1,15}\s*$/.test(raw) ? Number(raw) : Number.NaN;
      const range = `${decl.min ?? '…'}–${decl.max ?? '…'}`;
      if (!Number.isInteger(n)) return fail(`a whole number${decl.min !== undefined || decl.max !== undefined ? ` (${range})` : ''}`);
      if ((decl.min !== undefined && n < decl.min) || (decl.max !== undefined && n > decl.max)) return fail(`a whole number in ${range}`);
      return { ok: true, value: n };
    }
    case 'version': {
      const v = parseVersion(raw);
      return v ? { ok: true, value: formatVersion(v) } : fail('a build number such as 14.2.247.5 or "Version 14.3 (Build 123.4)"');
    }
    case 'url':
    case 'string': {
      if (typeof raw !== 'string' && typeof raw !== 'number') return fail('text');
      const text = String(raw);
      // The limit applies to the value as sent, as the published schema's maxLength says.
      if (text.length > maxFactLength && codePointLength(text) > maxFactLength) return fail(`text of at most ${maxFactLength} characters`);
      return matchOption(decl, text.trim());
    }
    case 'string-list': {
      const items = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(/[,;]/) : null;
      if (!items || items.length > maxListItems || items.some((i) => typeof i !== 'string')) return fail('a list of texts');
      const out: string[] = [];
      for (const item of items as string[]) {
        const s = item.trim();
        if (s === '') continue;
        const r = matchOption(decl, s);
        if (!r.ok) return r;
        out.push(r.value as string);
      }
      return { ok: true, value: out };
    }
  }
}

function matchOption(decl: FactDeclaration, s: string): CoerceResult {
  if (!decl.options) return { ok: true, value: s };
  const found = decl.options.find((o) => o.value.toLowerCase() === s.toLowerCase());
  return found ? { ok: true, value: found.value } : { ok: false, expected: `one of ${decl.options.map((o) => o.value).join(', ')}` };
}
