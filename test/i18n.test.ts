import { describe, expect, it } from 'vitest';
import { missingKeys, pickLang, t } from '../src/i18n/index.ts';
import { de } from '../src/i18n/de.ts';
import { en } from '../src/i18n/en.ts';

describe('UI texts', () => {
  it('have every key in both languages', () => {
    expect(missingKeys()).toEqual([]);
  });

  it('keep the same placeholders in both languages', () => {
    const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(en) as (keyof typeof en)[]) expect(names(de[key]), key).toEqual(names(en[key]));
  });

  it('fill placeholders and leave unknown ones visible', () => {
    expect(t('en', 'lint.unknownFact', { fact: 'x' })).toContain('"x"');
    expect(t('de', 'lint.unknownFact', { fact: 'x' })).toContain('x');
    expect(t('en', 'lint.unknownFact')).toContain('{fact}');
  });

  it.each([
    ['de-DE,de;q=0.9,en;q=0.8', 'de'],
    ['en-US,en;q=0.9', 'en'],
    ['fr-FR,de;q=0.5', 'de'],
    ['fr', 'en'],
    ['', 'en'],
    [';;;,,q=abc', 'en'],
  ])('Accept-Language %j → %s', (header, lang) => {
    expect(pickLang(header)).toBe(lang);
  });
});
