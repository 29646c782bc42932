import { loadKnowledgeBase } from '../engine/knowledge-base.ts';
import { KbError } from '../engine/errors.ts';
import type { Lang } from '../i18n/index.ts';
import { pageKey } from '../kb/model.ts';
import { fillPlaceholders, renderHtml, renderTerminal } from '../render/index.ts';

export async function runShow(id: string, opts: { lang?: Lang; format: 'text' | 'md' | 'html'; kb?: string }): Promise<void> {
  const kb = loadKnowledgeBase(opts.kb);
  const lang = opts.lang ?? kb.data.settings.defaultLanguage;
  const kind = kb.data.causes.some((c) => c.id === id) ? 'causes' : kb.data.symptoms.some((s) => s.id === id) ? 'symptoms' : null;
  if (!kind) {
    const known = [...kb.data.symptoms.map((s) => s.id), ...kb.data.causes.map((c) => c.id)].join(', ');
    throw new KbError('NOT_FOUND', `No symptom or cause "${id}". Known: ${known}.`, { field: 'id' });
  }
  const decl = kind === 'causes' ? kb.data.causes.find((c) => c.id === id)! : kb.data.symptoms.find((s) => s.id === id)!;
  const page = kb.data.pages.get(pageKey(lang, kind, decl.page ?? id)) ?? kb.data.pages.get(pageKey('en', kind, decl.page ?? id))!;
  // No facts known here: placeholders show the writer's fallback text.
  const md = `# ${page.title}\n\n${page.summary}\n\n${fillPlaceholders(page.body.trim(), {})}\n`;
  process.stdout.write(opts.format === 'md' ? md : opts.format === 'html' ? renderHtml(md) : renderTerminal(md));
}

export async function runFacts(opts: { lang?: Lang; format: 'text' | 'json'; kb?: string }): Promise<void> {
  const kb = loadKnowledgeBase(opts.kb);
  const lang = opts.lang ?? kb.data.settings.defaultLanguage;
  const list = [...kb.data.facts.values()];
  if (opts.format === 'json') {
    process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
    return;
  }
  for (const f of list) {
    process.stdout.write(`${f.id.padEnd(26)} ${f.type.padEnd(12)} ${f.source.padEnd(9)} ${f.cost.padEnd(6)} ${f.description[lang]}\n`);
  }
}
