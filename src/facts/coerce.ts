import type { FactDeclaration, FactValue } from '../generated/schema-types.ts';
import { formatVersion, parseVersion } from './version.ts';

/**
 * A coerced value; or what was expected; or `ambiguous` when the input is a known name that does not
 * fix one value ("Exchange 2010" is several builds): the fact then stays unknown rather than invalid.
 */
export type CoerceResult = { ok: true; value: FactValue } | { ok: false; expected: string; ambiguous?: true };

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
  const direct = coerceDirect(decl, raw);
  if (direct.ok || !decl.aliases || typeof raw !== 'string') return direct;
  const alias = lookupAlias(decl, raw);
  if (alias === undefined) return direct;
  if (alias === null) return { ok: false, expected: direct.expected, ambiguous: true };
  return coerceDirect(decl, alias);
}

function coerceDirect(decl: FactDeclaration, raw: unknown): CoerceResult {
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
      // A build inside a longer text ("Exchange 2016 CU23 (15.1.2507.6)") is the build.
      const inText = typeof raw === 'string' && raw.length <= 200 ? /\b\d{1,2}\.\d{1,2}\.\d{1,4}\.\d{1,4}\b/.exec(raw)?.[0] : undefined;
      const v = parseVersion(raw) ?? parseVersion(inText);
      return v ? { ok: true, value: formatVersion(v) } : fail(decl.aliases ? 'a build number such as 14.2.247.5, "Version 14.3 (Build 123.4)" or a release name such as "Exchange 2016 CU23"' : 'a build number such as 14.2.247.5 or "Version 14.3 (Build 123.4)"');
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

const aliasTables = new WeakMap<FactDeclaration, Map<string, FactValue | null>>();

/** Folds a name for alias matching: case, accents and punctuation folded, ignored words dropped, "cu 23" written "cu23". */
function aliasKey(decl: FactDeclaration, text: string): string[] {
  let s = ` ${text.toLowerCase().normalize('NFKD').replace(/\p{M}/gu, '').replace(/[^\p{L}\p{N}]+/gu, ' ')} `;
  for (const [from, to] of Object.entries(decl.aliasRewrite ?? {})) s = s.split(` ${from.toLowerCase()} `).join(` ${to.toLowerCase()} `);
  const ignore = new Set((decl.aliasIgnore ?? []).map((w) => w.toLowerCase()));
  const words = s.split(' ').filter((w) => w && !ignore.has(w));
  const out: string[] = [];
  for (const w of words) {
    const last = out.at(-1);
    if (last && /^\p{L}{1,3}$/u.test(last) && /^\d+$/.test(w)) out[out.length - 1] = last + w;
    else out.push(w);
  }
  return out;
}

/** The value an alias stands for; null for a name that does not fix one; undefined when no alias matches. */
function lookupAlias(decl: FactDeclaration, raw: string): FactValue | null | undefined {
  if (raw.length > 200) return undefined;
  let table = aliasTables.get(decl);
  if (!table) {
    table = new Map();
    for (const a of decl.aliases ?? []) for (const name of a.names) table.set(aliasKey(decl, name).join(' '), a.value ?? null);
    aliasTables.set(decl, table);
  }
  const words = aliasKey(decl, raw);
  // "2019 CU14 SU3" is a build of "2019 CU14": drop trailing words until a known name is left.
  for (let n = words.length; n > 0; n--) {
    const key = words.slice(0, n).join(' ');
    if (table.has(key)) return table.get(key);
  }
  return undefined;
}

/**
 * Whether a request may carry this value for the fact: a value coercion reads, an empty text, or, for a
 * fact with aliases, any text of ordinary length: a name the table does not know is reported as a
 * warning and the fact stays unknown (and is asked), rather than refusing the whole request.
 */
export function acceptedInRequest(decl: FactDeclaration, raw: unknown): boolean {
  if (raw === '' || coerceFactValue(decl, raw).ok) return true;
  return decl.aliases !== undefined && typeof raw === 'string' && [...raw].length <= maxFactLength;
}
