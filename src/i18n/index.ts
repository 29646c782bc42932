import { de } from './de.ts';
import { en } from './en.ts';

export type Lang = 'de' | 'en';
export type MessageKey = keyof typeof en;
export type MessageParams = Readonly<Record<string, string | number>>;

const catalogs: Record<Lang, Record<MessageKey, string>> = { en, de };

/** The languages every text exists in. */
export const languages: readonly Lang[] = ['en', 'de'];

export function isLang(value: unknown): value is Lang {
  return value === 'de' || value === 'en';
}

/** A message split at its `{name}` parameters: literal parts, and between them the parameter names. */
interface Compiled {
  readonly literals: readonly string[];
  readonly names: readonly string[];
}

const compiled: Record<Lang, Map<string, Compiled>> = { en: new Map(), de: new Map() };

function compile(template: string): Compiled {
  const literals: string[] = [];
  const names: string[] = [];
  let at = 0;
  for (const m of template.matchAll(/\{(\w+)\}/g)) {
    literals.push(template.slice(at, m.index));
    names.push(m[1]!);
    at = m.index + m[0].length;
  }
  literals.push(template.slice(at));
  return { literals, names };
}

/** Translates `key` into `lang`, filling `{name}` from `params` (a name without a value stays as written). */
export function t(lang: Lang, key: MessageKey, params: MessageParams = {}): string {
  // Messages are split once per language and key: explanations fill thousands of them per second.
  let c = compiled[lang].get(key);
  if (!c) {
    c = compile(catalogs[lang][key] ?? catalogs.en[key] ?? key);
    // Only the catalogue's keys: a key made from data that names no message is not kept.
    if (Object.hasOwn(catalogs.en, key)) compiled[lang].set(key, c);
  }
  let out = c.literals[0]!;
  for (let i = 0; i < c.names.length; i++) {
    const name = c.names[i]!;
    out += (Object.hasOwn(params, name) ? String(params[name]) : `{${name}}`) + c.literals[i + 1]!;
  }
  return out;
}

/** Keys missing from a catalogue (a test keeps this empty). */
export function missingKeys(): { lang: Lang; key: string }[] {
  const out: { lang: Lang; key: string }[] = [];
  for (const lang of languages) {
    for (const key of Object.keys(en)) if (!Object.hasOwn(catalogs[lang], key)) out.push({ lang, key });
    for (const key of Object.keys(catalogs[lang])) if (!Object.hasOwn(en, key)) out.push({ lang: 'en', key });
  }
  return out;
}

/** Picks a language from an Accept-Language header or a free value; English when nothing fits. */
export function pickLang(value: string | undefined | null, fallback: Lang = 'en'): Lang {
  return acceptedLang(value) ?? fallback;
}

/** The best-ranked of our languages in an Accept-Language header (q-values honoured), or null when it names none. */
export function acceptedLang(value: string | undefined | null): Lang | null {
  if (!value) return null;
  const ranked = value
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)/.exec(p)?.[1]).find(Boolean);
      return { tag, q: q === undefined ? 1 : Number(q) };
    })
    .sort((a, b) => b.q - a.q);
  for (const { tag, q } of ranked) {
    const base = tag.split('-')[0];
    if (isLang(base) && q > 0) return base;
  }
  return null;
}

/** Whether a message key exists (for keys built from data, such as `cond.<operator>`). */
export function hasMessage(key: string): key is MessageKey {
  return Object.hasOwn(en, key);
}
