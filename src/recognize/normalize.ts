/** Words that carry no meaning for matching messages (English and German). */
export const stopwords: ReadonlySet<string> = new Set([
  'the', 'a', 'an', 'to', 'is', 'of', 'due', 'be', 'der', 'die', 'das', 'ist', 'mit', 'zu', 'den', 'dem', 'bei', 'von', 'ein', 'eine',
]);

/**
 * Folds text for matching: splits camelCase, lower-cases, writes ä/ö/ü/ß as ae/oe/ue/ss and drops
 * other diacritics, so "Ungültig", "ungueltig" and "UNGÜLTIG" meet.
 */
export function fold(text: string): string {
  return text
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/ß/g, 'ss')
    .normalize('NFKD')
    .replace(/\p{M}/gu, '');
}

/** Folded word tokens (letters and digits). */
export function tokenize(text: string): string[] {
  return fold(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}
