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

/**
 * Folded word tokens (letters and digits). With `maxChars`, at most that many characters are read
 * and the folded text is cut to that many again: compatibility characters expand under NFKD (㌖ is
 * six letters, U+FDFA eighteen), so a cut before folding alone does not bound the work after it.
 */
export function tokenize(text: string, maxChars = Number.POSITIVE_INFINITY): string[] {
  const folded = Number.isFinite(maxChars) ? fold(text.slice(0, maxChars)).slice(0, maxChars) : fold(text);
  return folded.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

/**
 * The text without URLs, e-mail addresses and dotted host names of three labels or more, for the
 * fuzzy search ("mail.example.com" says nothing about which message it is). Written as scans that
 * read each character a bounded number of times: the single regex this replaces
 * (`\S+@\S+|\b[\w-]+(\.[\w-]+){2,}\b`) backtracked quadratically on one long word.
 */
export function withoutAddresses(text: string): string {
  return text.replace(/\S+/g, (chunk) => {
    if (chunk.includes('@')) return ' ';
    const scheme = chunk.indexOf('://');
    const kept = scheme === -1 ? chunk : chunk.slice(0, schemeStart(chunk, scheme));
    return ` ${kept.replace(/[\w.-]+/g, withoutHostNames)} `;
  });
}

/** Where the scheme before `://` at `at` begins (a letter, then letters, digits, `+`, `.`, `-`). */
function schemeStart(chunk: string, at: number): number {
  let start = at;
  while (start > 0 && /[a-z0-9+.-]/i.test(chunk[start - 1]!)) start--;
  while (start < at && !/[a-z]/i.test(chunk[start]!)) start++;
  return start < at ? start : chunk.length;
}

/** A run of word characters, dots and hyphens with every dotted name of three or more labels blanked. */
function withoutHostNames(run: string): string {
  const labels = run.split('.');
  const kept: string[] = [];
  let group: string[] = [];
  const close = () => {
    if (group.length < 3) kept.push(...group);
    group = [];
  };
  for (const label of labels) {
    if (label === '') close();
    else group.push(label);
  }
  close();
  return kept.join(' ');
}
