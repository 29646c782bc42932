import { writeFileSync } from 'node:fs';
import { KbError } from '../engine/errors.ts';
import { loadKnowledgeBase } from '../engine/knowledge-base.ts';
import { buildFlows, renderDot, renderMermaid } from '../graph/index.ts';
import type { Lang } from '../i18n/index.ts';
import { pageKey } from '../kb/model.ts';
import { fillPlaceholders, renderHtml, renderTerminal } from '../render/index.ts';

export async function runGraph(opts: { symptom?: string; format: 'mermaid' | 'dot'; lang?: Lang; kb?: string }): Promise<void> {
  const kb = loadKnowledgeBase(opts.kb);
  if (opts.symptom && !kb.data.symptoms.some((s) => s.id === opts.symptom)) {
    throw new KbError('SYMPTOM_UNKNOWN', `Unknown symptom "${opts.symptom}"; known: ${kb.data.symptoms.map((s) => s.id).join(', ')}.`, { field: 'symptom' });
  }
  const flows = buildFlows(kb, opts.lang ?? kb.data.settings.defaultLanguage, opts.symptom);
  process.stdout.write(opts.format === 'dot' ? renderDot(flows) : renderMermaid(flows));
}

/** A page as a content writer will see it; --html writes a standalone file (no external assets). */
export async function runPreview(id: string, opts: { lang?: Lang; html?: string; kb?: string }): Promise<void> {
  const kb = loadKnowledgeBase(opts.kb);
  const lang = opts.lang ?? kb.data.settings.defaultLanguage;
  const kind = kb.data.causes.some((c) => c.id === id) ? 'causes' : kb.data.symptoms.some((s) => s.id === id) ? 'symptoms' : null;
  if (!kind) throw new KbError('NOT_FOUND', `No symptom or cause "${id}".`, { field: 'id' });
  const decl = kind === 'causes' ? kb.data.causes.find((c) => c.id === id)! : kb.data.symptoms.find((s) => s.id === id)!;
  const page = kb.data.pages.get(pageKey(lang, kind, decl.page ?? id))!;
  const md = `# ${page.title}\n\n_${page.summary}_\n\n${fillPlaceholders(page.body.trim(), {})}\n`;
  if (!opts.html) {
    process.stdout.write(renderTerminal(md));
    return;
  }
  const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const doc = `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(page.title)}</title>
<style>body{font:16px/1.55 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1f2933}
code{background:#f1f3f5;padding:.1em .3em;border-radius:4px}h1{font-size:1.6rem}h2{margin-top:1.8rem;font-size:1.2rem}</style>
</head><body>${renderHtml(md)}</body></html>\n`;
  writeFileSync(opts.html, doc);
  process.stdout.write(`${opts.html}\n`);
}
