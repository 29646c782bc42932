import { loadKnowledgeBase } from '../engine/knowledge-base.ts';
import { type Lang, t } from '../i18n/index.ts';
import { searchKnowledgeBase } from '../recognize/search.ts';

/** `kb search`: one row per symptom or cause found, the share of the words found first. */
export async function runSearch(text: string, opts: { lang?: Lang; format: 'text' | 'json'; kb?: string }): Promise<void> {
  const kb = loadKnowledgeBase(opts.kb);
  // Without --lang, titles come in the language the search was typed in.
  const lang = opts.lang ?? kb.recognizer.languageOf(text)?.lang ?? kb.data.settings.defaultLanguage;
  const hits = searchKnowledgeBase(kb.data, text, { lang });
  if (opts.format === 'json') {
    process.stdout.write(`${JSON.stringify({ query: text, lang, hits }, null, 2)}\n`);
    return;
  }
  if (hits.length === 0) {
    process.stdout.write(`${t(lang, 'ui.searchNone')}\n`);
    return;
  }
  const width = Math.min(48, Math.max(...hits.map((h) => h.text.length)));
  for (const h of hits) {
    const pct = `${Math.round(h.relevance * 100)} %`.padStart(5);
    const text = h.text.length > width ? `${h.text.slice(0, width - 1)}…` : h.text.padEnd(width);
    const what = `${t(lang, h.kind === 'symptom' ? 'search.symptom' : 'search.cause')} ${h.id}`;
    process.stdout.write(`${pct}  ${text}  ${what}${h.title !== h.text ? ` — ${h.title}` : ''}\n`);
  }
  process.stdout.write(`\n${t(lang, 'search.legend')}\n`);
}
