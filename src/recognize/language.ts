import type { Lang } from '../i18n/index.ts';

/**
 * Telling German from English by the words of a message, for answering in the language a person
 * wrote in. A word list, not a statistical detector: the choice is only ever between the knowledge
 * base's two languages, messages are often two or three words ("Nicht autorisiert") and full of
 * product names and codes that n-gram detectors misread, and the knowledge base's own texts name
 * the domain's words in each language. Pure: no I/O, same answer for the same input.
 */

/** Words that occur only in one language's texts; built once per knowledge base by `buildVocabulary`. */
export interface LanguageVocabulary {
  readonly de: ReadonlySet<string>;
  readonly en: ReadonlySet<string>;
}

export interface LanguageGuess {
  readonly lang: Lang;
  /** Points for the chosen language minus points for the other (≥ 1). */
  readonly margin: number;
}

// Function words: closed classes (articles, pronouns, prepositions, auxiliaries, negation, greetings)
// that carry the language of any sentence, and the commonest words of error messages. Words spelt alike in both languages ("in", "an", "so",
// "was", "will", "also", "bin", "war", "man") are left out of both lists.
const functionWords: Readonly<Record<Lang, readonly string[]>> = {
  de: [
    'der', 'die', 'das', 'den', 'dem', 'des', 'ein', 'eine', 'einen', 'einem', 'einer', 'eines', 'kein', 'keine', 'keinen',
    'nicht', 'nichts', 'und', 'oder', 'aber', 'doch', 'ist', 'sind', 'wird', 'werden', 'wurde', 'wurden', 'kann', 'können',
    'konnte', 'konnten', 'muss', 'müssen', 'soll', 'sollte', 'darf', 'hat', 'haben', 'habe', 'hatte', 'ich', 'du', 'sie',
    'wir', 'ihr', 'mir', 'mich', 'mein', 'meine', 'ihre', 'ihren', 'uns', 'sich', 'es', 'bei', 'von', 'vom', 'zu', 'zum',
    'zur', 'auf', 'für', 'über', 'unter', 'nach', 'aus', 'mit', 'ohne', 'gegen', 'durch', 'seit', 'bis', 'beim', 'noch',
    'mehr', 'schon', 'auch', 'nur', 'sehr', 'wenn', 'dass', 'weil', 'ob', 'wie', 'wo', 'warum', 'welche', 'welcher',
    'dieser', 'diese', 'dieses', 'diesem', 'jetzt', 'immer', 'wieder', 'gar', 'geht', 'ging', 'bitte', 'danke', 'hallo',
    'leider', 'möglich', 'fehlgeschlagen', 'ungültig',
  ],
  en: [
    'the', 'of', 'and', 'or', 'but', 'is', 'are', 'be', 'been', 'being', 'has', 'have', 'had', 'not', 'no', 'cannot',
    'could', 'can', 'would', 'should', 'must', 'may', 'does', 'do', 'did', 'doesn', 'don', 'isn', 'wasn',
    'couldn', 'for', 'with', 'without', 'from', 'this', 'that', 'these', 'those', 'it', 'its', 'my', 'me', 'you', 'your',
    'we', 'our', 'they', 'their', 'there', 'here', 'when', 'while', 'because', 'if', 'then', 'than', 'which', 'what',
    'who', 'how', 'why', 'where', 'on', 'at', 'by', 'into', 'onto', 'over', 'after', 'before', 'since', 'until', 'any',
    'some', 'all', 'each', 'every', 'only', 'also', 'very', 'again', 'still', 'now', 'please', 'hello', 'thanks', 'thank',
    'failed', 'unable', 'invalid', 'a',
  ],
};

const shared = new Set(functionWords.de.filter((w) => functionWords.en.includes(w)));
const wordsOf: Readonly<Record<Lang, ReadonlySet<string>>> = {
  de: new Set(functionWords.de.filter((w) => !shared.has(w))),
  en: new Set(functionWords.en.filter((w) => !shared.has(w))),
};

/** Lower-case words (letters only, apostrophes split): "Doesn't" → doesn, t. */
export function words(text: string): string[] {
  return text.toLowerCase().normalize('NFC').match(/\p{L}+/gu) ?? [];
}

const umlaut = /[äöüß]/;
/** Words of at most this many characters are too short to count from the vocabulary ("ok", "id"). */
const minVocabularyWord = 3;

/**
 * The words only one language's texts use (texts per language, e.g. the knowledge base's messages,
 * questions and pages). A word in both (product names, "Exchange", "URL") says nothing.
 */
export function buildVocabulary(texts: Readonly<Record<Lang, Iterable<string>>>): LanguageVocabulary {
  const collect = (list: Iterable<string>) => {
    const out = new Set<string>();
    for (const text of list) for (const w of words(text)) if (w.length >= minVocabularyWord) out.add(w);
    return out;
  };
  const de = collect(texts.de);
  const en = collect(texts.en);
  // Function words are counted on their own (and more); the vocabulary holds the rest.
  const only = (a: Set<string>, b: Set<string>) => new Set([...a].filter((w) => !b.has(w) && !wordsOf.de.has(w) && !wordsOf.en.has(w)));
  return { de: only(de, en), en: only(en, de) };
}

/** Characters of a message read for its language; a long paste says what it is in the first ones. */
export const maxLanguageChars = 2000;

/**
 * The language of a text's words, or null when they do not tell (codes, numbers, product names,
 * as many German as English words). A function word counts 2, a word only one language's
 * vocabulary has counts 1, any other word with ä, ö, ü or ß counts 1 for German. Words of the first
 * line count double: that is where the application's own message stands, before the log lines and
 * stack traces that are English on every system.
 */
export function detectLanguage(text: string, vocabulary: LanguageVocabulary = { de: new Set(), en: new Set() }): LanguageGuess | null {
  const score = { de: 0, en: 0 };
  const head = text.slice(0, maxLanguageChars).trimStart();
  const newline = head.indexOf('\n');
  const parts: [string, number][] = newline < 0 ? [[head, 2]] : [[head.slice(0, newline), 2], [head.slice(newline), 1]];
  for (const [part, weight] of parts) {
    for (const w of words(part)) {
      if (wordsOf.de.has(w)) score.de += 2 * weight;
      else if (wordsOf.en.has(w)) score.en += 2 * weight;
      else if (vocabulary.de.has(w)) score.de += weight;
      else if (vocabulary.en.has(w)) score.en += weight;
      else if (umlaut.test(w)) score.de += weight;
    }
  }
  if (score.de === score.en) return null;
  return score.de > score.en ? { lang: 'de', margin: score.de - score.en } : { lang: 'en', margin: score.en - score.de };
}
