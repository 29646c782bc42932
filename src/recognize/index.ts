import MiniSearch from 'minisearch';
import type { FactValue } from '../generated/schema-types.ts';
import { isLang, type Lang, languages } from '../i18n/index.ts';
import type { KnowledgeBaseData, SignalDeclaration } from '../kb/model.ts';
import { buildVocabulary, detectLanguage, type LanguageGuess, type LanguageVocabulary } from './language.ts';
import { fold, stopwords, tokenize, withoutAddresses } from './normalize.ts';

/** How a symptom was recognised in a message. */
export type MatchKind = 'exact' | 'variant' | 'signal' | 'fuzzy';

export interface SymptomMatch {
  readonly symptom: string;
  readonly matchedBy: MatchKind;
  readonly score: number;
  readonly matchedText: string;
  /** Language of the known message, variant or signal that matched; null when it has none (a code, "401"). */
  readonly lang: Lang | null;
  /** The known text is the whole message (exactly or fuzzily), not a part of a longer paste. */
  readonly whole: boolean;
}

/** A fact read out of the message by a signal; `raw` is the text as found, before coercion. */
export interface ExtractedFact {
  readonly fact: string;
  readonly raw: FactValue;
  readonly signal: string;
}

export interface Recognition {
  readonly match: SymptomMatch | null;
  readonly extracted: readonly ExtractedFact[];
  /** Ids of the signals whose pattern matched. */
  readonly signals: readonly string[];
  /** The closest known messages, best first (at most 3, one per symptom). */
  readonly suggestions: readonly { symptom: string; text: string; score: number }[];
  /** Language of the first matched signal that declares one (when no known message decided). */
  readonly signalLang: Lang | null;
}

interface Doc {
  readonly id: number;
  readonly symptom: string;
  readonly text: string;
  readonly kind: 'exact' | 'variant';
  readonly lang: Lang | null;
  readonly folded: string;
  /** `folded` with a space either side, for finding it word for word in a longer text. */
  readonly padded: string;
  readonly tokens: readonly string[];
}

/**
 * The longest message read, in characters: the request schema refuses longer ones
 * (schemas/diagnose-request.schema.json, `message.maxLength`; a test keeps the two equal), and
 * signals and the fuzzy search read all of it. The cut applies to the folded text as well (see
 * tokenize), so the work per message is bounded whatever Unicode it holds.
 */
export const maxMessageChars = 20_000;

/** Words of a message the fuzzy search looks up; a known message has a handful, a log line a few dozen. */
export const maxFuzzyTerms = 300;

/** Edit distance the recogniser's fuzzy search allows (see `fuzzy` below) and the search box's most (MiniSearch's maxFuzzy). */
const recognizeDistance = 2;
const searchDistance = 6;

/** A recogniser compiled once per knowledge base: known messages indexed, signal patterns compiled. */
export class Recognizer {
  readonly #docs: Doc[] = [];
  readonly #search: MiniSearch<Doc>;
  readonly #signals: { decl: SignalDeclaration; re: RegExp; all: RegExp | null }[];
  /** The longest indexed word: a longer query word is neither within the edit distance of one nor a prefix of one. */
  readonly #longestWord: number;
  readonly #data: KnowledgeBaseData;
  #vocabulary: LanguageVocabulary | undefined;

  constructor(data: KnowledgeBaseData) {
    this.#data = data;
    for (const s of data.symptoms) {
      const add = (text: string, kind: Doc['kind'], lang: Lang | null) => {
        const tokens = tokenize(text).filter((w) => !stopwords.has(w));
        this.#docs.push({ id: this.#docs.length, symptom: s.id, text, kind, lang, folded: tokens.join(' '), padded: ` ${tokens.join(' ')} `, tokens });
      };
      for (const lang of languages) for (const text of s.messages[lang]) add(text, 'exact', lang);
      for (const v of s.variants ?? []) typeof v === 'string' ? add(v, 'variant', null) : add(v.text, 'variant', v.lang ?? null);
    }
    this.#search = new MiniSearch<Doc>({
      fields: ['text'],
      storeFields: ['id'],
      tokenize: (text) => tokenize(text),
      processTerm: (term) => (stopwords.has(term) ? null : term),
      searchOptions: {
        // Edit distance 2 from five letters: a swapped pair ("nciht") costs two edits in Levenshtein.
        fuzzy: (term) => (term.length >= 5 ? 2 : term.length >= 4 ? 1 : 0),
        prefix: (term) => term.length >= 4,
        combineWith: 'OR',
      },
    });
    this.#search.addAll(this.#docs);
    this.#longestWord = this.#docs.reduce((n, d) => d.tokens.reduce((m, w) => Math.max(m, w.length), n), 0);
    this.#signals = data.signals.map((decl) => ({
      decl,
      re: new RegExp(decl.pattern, decl.flags ?? 'i'),
      all: decl.collect ? new RegExp(decl.pattern, `${decl.flags ?? 'i'}g`) : null,
    }));
  }

  /** Reads a pasted message: the symptom it shows, the facts its signals extract, and near misses. */
  recognize(message: string): Recognition {
    const text = message.slice(0, maxMessageChars);
    const { extracted, signals, signalSymptom, signalLang } = this.#runSignals(text);
    const words = tokenize(text, maxMessageChars).filter((w) => !stopwords.has(w));
    const folded = words.join(' ');
    const padded = ` ${folded} `;
    let match: SymptomMatch | null = null;
    const exact = this.#docs.find((d) => d.folded !== '' && d.folded === folded);
    if (exact) {
      match = { symptom: exact.symptom, matchedBy: exact.kind, score: exact.kind === 'exact' ? 1 : 0.95, matchedText: exact.text, lang: exact.lang, whole: true };
    } else if (signalSymptom) {
      match = signalSymptom;
    } else {
      // The longest known message contained word for word in the text (a log line around it).
      const contained = this.#docs
        .filter((d) => d.folded !== '' && padded.includes(d.padded))
        .sort((a, b) => b.tokens.length - a.tokens.length || (a.kind === 'exact' ? -1 : 1))[0];
      if (contained) {
        match = { symptom: contained.symptom, matchedBy: contained.kind, score: contained.kind === 'exact' ? 0.9 : 0.85, matchedText: contained.text, lang: contained.lang, whole: false };
      }
    }
    // Fuzzy search is the costly step: only when nothing matched exactly, and for suggestions.
    // Host names, URLs and addresses say nothing about which message it is ("mail.example.com" is not "mail").
    const prose = match ? [] : this.#searchable(tokenize(withoutAddresses(text), maxMessageChars), recognizeDistance);
    const ranked = !match && prose.length > 0 ? this.#fuzzy(prose.slice(0, maxFuzzyTerms).join(' ')) : [];
    if (!match) {
      const best = ranked[0];
      // Short messages must match every word; longer ones three in four.
      if (best && best.coverage >= (best.doc.tokens.length <= 3 ? 1 : 0.75)) {
        match = { symptom: best.doc.symptom, matchedBy: 'fuzzy', score: round(0.8 * best.coverage), matchedText: best.doc.text, lang: best.doc.lang, whole: true };
      }
    }
    const suggestions: Recognition['suggestions'][number][] = [];
    if (!match) {
      for (const r of ranked) {
        if (suggestions.length >= 3) break;
        if (suggestions.some((s) => s.symptom === r.doc.symptom)) continue;
        suggestions.push({ symptom: r.doc.symptom, text: r.doc.text, score: round(r.coverage) });
      }
    }
    return { match, extracted, signals, suggestions, signalLang };
  }

  /**
   * The language of a message's words (see language.ts), against the words only this knowledge
   * base's German or only its English texts use. The vocabulary is built on first use.
   */
  languageOf(message: string): LanguageGuess | null {
    this.#vocabulary ??= buildVocabulary(textsByLanguage(this.#data));
    return detectLanguage(message, this.#vocabulary);
  }

  /** Known messages and variants for a search box, best first; never throws on any text. */
  search(query: string, limit = 10): { symptom: string; text: string; score: number }[] {
    const words = this.#searchable(tokenize(query, 2000), searchDistance).slice(0, maxFuzzyTerms);
    if (words.length === 0) return [];
    const out: { symptom: string; text: string; score: number }[] = [];
    for (const r of this.#search.search(words.join(' '), { fuzzy: 0.3, prefix: true })) {
      const doc = this.#docs[r['id'] as number]!;
      out.push({ symptom: doc.symptom, text: doc.text, score: round(r.score) });
      if (out.length >= limit) break;
    }
    return out;
  }

  /**
   * The words worth a fuzzy lookup: no stopwords, none longer than an indexed word plus the edit
   * distance (they can match nothing, and the Levenshtein matrix grows with the square of a word's length).
   */
  #searchable(words: readonly string[], distance: number): string[] {
    const longest = this.#longestWord + distance;
    return words.filter((w) => w.length <= longest && !stopwords.has(w));
  }

  #fuzzy(query: string): { doc: Doc; coverage: number; score: number }[] {
    const results = this.#search.search(query);
    return results
      .map((r) => {
        const doc = this.#docs[r['id'] as number]!;
        const matched = new Set(r.terms);
        const coverage = doc.tokens.length === 0 ? 0 : doc.tokens.filter((w) => matched.has(w)).length / doc.tokens.length;
        return { doc, coverage, score: r.score };
      })
      .sort((a, b) => b.coverage - a.coverage || b.score - a.score || (a.doc.kind === 'exact' ? -1 : 1));
  }

  #runSignals(text: string): { extracted: ExtractedFact[]; signals: string[]; signalSymptom: SymptomMatch | null; signalLang: Lang | null } {
    const extracted: ExtractedFact[] = [];
    const signals: string[] = [];
    let signalSymptom: SymptomMatch | null = null;
    let signalLang: Lang | null = null;
    for (const { decl, re, all } of this.#signals) {
      const m = re.exec(text);
      if (!m) continue;
      signals.push(decl.id);
      const matches = all ? [...take(text.matchAll(all), 20)] : [m];
      for (const match of matches) {
        for (const [fact, raw] of Object.entries(match.groups ?? {})) {
          if (raw !== undefined) extracted.push({ fact, raw, signal: decl.id });
        }
      }
      for (const [fact, raw] of Object.entries(decl.set ?? {})) extracted.push({ fact, raw, signal: decl.id });
      const lang = isLang(decl.lang) ? decl.lang : null;
      signalLang ??= lang;
      if (decl.symptom && !signalSymptom) {
        signalSymptom = { symptom: decl.symptom, matchedBy: 'signal', score: 0.9, matchedText: m[0].slice(0, 200), lang, whole: m[0].length === text.trim().length };
      }
    }
    return { extracted, signals, signalSymptom, signalLang };
  }
}

/** Everything the knowledge base says in each language: messages, titles, questions, pages. */
function textsByLanguage(data: KnowledgeBaseData): Record<Lang, string[]> {
  const out: Record<Lang, string[]> = { de: [], en: [] };
  for (const lang of languages) {
    const add = (text: string | undefined) => {
      if (text) out[lang].push(text);
    };
    for (const s of data.symptoms) {
      s.messages[lang].forEach(add);
      add(s.title[lang]);
      for (const v of s.variants ?? []) if (typeof v !== 'string' && v.lang === lang) add(v.text);
    }
    for (const f of data.facts.values()) {
      add(f.description[lang]);
      add(f.question?.[lang]);
      for (const o of f.options ?? []) add(o.label?.[lang]);
    }
    for (const s of data.signals) add(s.description?.[lang]);
    for (const page of data.pages.values()) {
      if (page.lang !== lang) continue;
      add(page.title);
      add(page.summary);
      add(page.body);
    }
  }
  return out;
}

const round = (n: number) => Math.round(n * 1000) / 1000;

function* take<T>(items: Iterable<T>, limit: number): Generator<T> {
  let n = 0;
  for (const item of items) {
    if (n++ >= limit) return;
    yield item;
  }
}
export { fold, tokenize };
export type { LanguageGuess };
