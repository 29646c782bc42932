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

/** Translates `key` into `lang`, filling `{name}` from `params`. */
export function t(lang: Lang, key: MessageKey, params: MessageParams = {}): string {
  const template = catalogs[lang][key] ?? catalogs.en[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
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
