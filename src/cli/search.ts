import { loadKnowledgeBase } from '../engine/knowledge-base.ts';
import { type Lang, t } from '../i18n/index.ts';

export async function runSearch(text: string, opts: { lang?: Lang; format: 'text' | 'json'; kb?: string }): Promise<void> {
  const kb = loadKnowledgeBase(opts.kb);
  const lang = opts.lang ?? kb.data.settings.defaultLanguage;
  const hits = kb.recognizer.search(text).map((h) => ({ ...h, title: kb.data.symptoms.find((s) => s.id === h.symptom)!.title[lang] }));
  if (opts.format === 'json') {
    process.stdout.write(`${JSON.stringify(hits, null, 2)}\n`);
    return;
  }
  if (hits.length === 0) process.stdout.write(`${t(lang, 'ui.searchNone')}\n`);
  for (const h of hits) process.stdout.write(`${h.text}  →  ${h.symptom} (${h.title})  ${h.score}\n`);
}
