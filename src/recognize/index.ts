import MiniSearch from 'minisearch';
import type { FactValue } from '../generated/schema-types.ts';
import type { KnowledgeBaseData, SignalDeclaration } from '../kb/model.ts';
import { fold, stopwords, tokenize, withoutAddresses } from './normalize.ts';

/** How a symptom was recognised in a message. */
export type MatchKind = 'exact' | 'variant' | 'signal' | 'fuzzy';

export interface SymptomMatch {
  readonly symptom: string;
  readonly matchedBy: MatchKind;
  readonly score: number;
  readonly matchedText: string;
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
}

interface Doc {
  readonly id: number;
  readonly symptom: string;
  readonly text: string;
  readonly kind: 'exact' | 'variant';
  readonly folded: string;
  readonly tokens: readonly string[];
}

/**
 * Characters of a message that signals and the fuzzy search read; the rest of a huge paste is ignored.
 * The cut applies to the folded text as well (see tokenize), so the work per message is bounded
 * whatever Unicode it holds.
 */
export const maxScannedChars = 10_000;

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

  constructor(data: KnowledgeBaseData) {
    for (const s of data.symptoms) {
      const add = (text: string, kind: Doc['kind']) => {
        const tokens = tokenize(text).filter((w) => !stopwords.has(w));
        this.#docs.push({ id: this.#docs.length, symptom: s.id, text, kind, folded: tokens.join(' '), tokens });
      };
      for (const text of [...s.messages.en, ...s.messages.de]) add(text, 'exact');
      for (const text of s.variants ?? []) add(text, 'variant');
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
    const text = message.slice(0, maxScannedChars);
    const { extracted, signals, signalSymptom } = this.#runSignals(text);
    const words = tokenize(text, maxScannedChars).filter((w) => !stopwords.has(w));
    const folded = words.join(' ');
    const padded = ` ${folded} `;
    let match: SymptomMatch | null = null;
    const exact = this.#docs.find((d) => d.folded !== '' && d.folded === folded);
    if (exact) {
      match = { symptom: exact.symptom, matchedBy: exact.kind, score: exact.kind === 'exact' ? 1 : 0.95, matchedText: exact.text };
    } else if (signalSymptom) {
      match = signalSymptom;
    } else {
      // The longest known message contained word for word in the text (a log line around it).
      const contained = this.#docs
        .filter((d) => d.folded !== '' && padded.includes(` ${d.folded} `))
        .sort((a, b) => b.tokens.length - a.tokens.length || (a.kind === 'exact' ? -1 : 1))[0];
      if (contained) {
        match = { symptom: contained.symptom, matchedBy: contained.kind, score: contained.kind === 'exact' ? 0.9 : 0.85, matchedText: contained.text };
      }
    }
    // Host names, URLs and addresses say nothing about which message it is ("mail.example.com" is not "mail").
    const prose = this.#searchable(tokenize(withoutAddresses(text), maxScannedChars), recognizeDistance);
    // Fuzzy search is the costly step: only when nothing matched exactly, and for suggestions.
    const ranked = !match && prose.length > 0 ? this.#fuzzy(prose.slice(0, maxFuzzyTerms).join(' ')) : [];
    if (!match) {
      const best = ranked[0];
      // Short messages must match every word; longer ones three in four.
      if (best && best.coverage >= (best.doc.tokens.length <= 3 ? 1 : 0.75)) {
        match = { symptom: best.doc.symptom, matchedBy: 'fuzzy', score: round(0.8 * best.coverage), matchedText: best.doc.text };
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
    return { match, extracted, signals, suggestions };
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

  #runSignals(text: string): { extracted: ExtractedFact[]; signals: string[]; signalSymptom: SymptomMatch | null } {
    const extracted: ExtractedFact[] = [];
    const signals: string[] = [];
    let signalSymptom: SymptomMatch | null = null;
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
      if (decl.symptom && !signalSymptom) {
        signalSymptom = { symptom: decl.symptom, matchedBy: 'signal', score: 0.9, matchedText: m[0].slice(0, 200) };
      }
    }
    return { extracted, signals, signalSymptom };
  }
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
