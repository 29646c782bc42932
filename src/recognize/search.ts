import MiniSearch from 'minisearch';
import { type Lang, languages } from '../i18n/index.ts';
import { type KnowledgeBaseData, pageKey } from '../kb/model.ts';
import { stopwords, tokenize } from './normalize.ts';

/** One symptom or cause that a search found, with the text that matched best. */
export interface SearchHit {
  readonly kind: 'symptom' | 'cause';
  readonly id: string;
  /** The known message, or the cause's title or summary, that matched (as written). */
  readonly text: string;
  /** The symptom's or cause's title in the language asked for. */
  readonly title: string;
  /**
   * 0–1: the share of the words searched for that this hit has (a typo within reach counts), times
   * its ranking score against the best hit's. 1 = every word found, and the best match.
   */
  readonly relevance: number;
}

interface Doc {
  readonly id: number;
  readonly kind: SearchHit['kind'];
  readonly ref: string;
  readonly text: string;
}

/** Hits below this relevance are left out. */
export const minRelevance = 0.15;

const indexes = new WeakMap<KnowledgeBaseData, { docs: Doc[]; search: MiniSearch<Doc> }>();

/** Known messages and variants of the symptoms, and the causes' titles and summaries, both languages. */
function indexOf(data: KnowledgeBaseData): { docs: Doc[]; search: MiniSearch<Doc> } {
  let index = indexes.get(data);
  if (index) return index;
  const docs: Doc[] = [];
  const seen = new Set<string>();
  // Spellings that differ only in case ("Nicht autorisiert", "nicht autorisiert") are one text.
  const add = (kind: Doc['kind'], ref: string, text: string | undefined) => {
    const key = `${kind}\u0000${ref}\u0000${text?.toLowerCase()}`;
    if (!text || seen.has(key)) return;
    seen.add(key);
    docs.push({ id: docs.length, kind, ref, text });
  };
  for (const s of data.symptoms) {
    for (const lang of languages) s.messages[lang].forEach((m) => add('symptom', s.id, m));
    for (const v of s.variants ?? []) add('symptom', s.id, typeof v === 'string' ? v : v.text);
  }
  for (const c of data.causes) {
    for (const lang of languages) {
      const page = data.pages.get(pageKey(lang, 'causes', c.page ?? c.id));
      add('cause', c.id, page?.title);
      add('cause', c.id, page?.summary);
    }
  }
  const search = new MiniSearch<Doc>({
    fields: ['text'],
    storeFields: ['id'],
    tokenize: (text) => tokenize(text),
    processTerm: (term) => (stopwords.has(term) ? null : term),
    searchOptions: { fuzzy: (term) => (term.length >= 5 ? 2 : term.length >= 4 ? 1 : 0), prefix: (term) => term.length >= 4, combineWith: 'OR' },
  });
  search.addAll(docs);
  index = { docs, search };
  indexes.set(data, index);
  return index;
}

/**
 * Searches the symptoms' known messages and the causes' titles and summaries (typos welcome), one
 * hit per symptom or cause, the most words found first. Never throws on any text.
 */
export function searchKnowledgeBase(data: KnowledgeBaseData, query: string, options: { lang: Lang; limit?: number }): SearchHit[] {
  const words = [...new Set(tokenize(query.slice(0, 2000)).filter((w) => !stopwords.has(w)))].slice(0, 50);
  if (words.length === 0) return [];
  const { docs, search } = indexOf(data);
  const best = new Map<string, { doc: Doc; relevance: number; score: number }>();
  for (const r of search.search(words.join(' '))) {
    const doc = docs[r['id'] as number]!;
    const relevance = Math.min(1, new Set(r.queryTerms).size / words.length);
    const key = `${doc.kind}:${doc.ref}`;
    const seen = best.get(key);
    if (!seen || relevance > seen.relevance || (relevance === seen.relevance && r.score > seen.score)) best.set(key, { doc, relevance, score: r.score });
  }
  const titleOf = (doc: Doc) =>
    doc.kind === 'symptom'
      ? (data.symptoms.find((s) => s.id === doc.ref)?.title[options.lang] ?? doc.ref)
      : (data.pages.get(pageKey(options.lang, 'causes', data.causes.find((c) => c.id === doc.ref)?.page ?? doc.ref))?.title ?? doc.ref);
  const top = Math.max(0, ...[...best.values()].map((b) => b.score));
  return [...best.values()]
    .map((b) => ({ ...b, relevance: top > 0 ? b.relevance * (b.score / top) : 0 }))
    // A hit that shares only a common word ("nicht", "not") with the search is noise, not a result.
    .filter((b) => b.relevance >= minRelevance)
    .sort((a, b) => b.relevance - a.relevance || b.score - a.score)
    .slice(0, options.limit ?? 10)
    .map(({ doc, relevance }) => ({ kind: doc.kind, id: doc.ref, text: doc.text, title: titleOf(doc), relevance: Math.round(relevance * 100) / 100 }));
}
