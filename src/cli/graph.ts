import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { KbError } from '../engine/errors.ts';
import { loadKnowledgeBase } from '../engine/knowledge-base.ts';
import { buildFlows, renderDot, renderMermaid } from '../graph/index.ts';
import { type Lang, t } from '../i18n/index.ts';
import { closest } from '../kb/_closest.ts';
import { colorEnabled } from './_terminal.ts';
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
  if (!kind) {
    const known = [...kb.data.symptoms.map((s) => s.id), ...kb.data.causes.map((c) => c.id)];
    const hint = closest(id, known);
    throw new KbError('NOT_FOUND', `No symptom or cause "${id}".${hint ? ` Did you mean "${hint}"?` : ''} Known: ${known.join(', ')}.`, { field: 'id' });
  }
  const decl = kind === 'causes' ? kb.data.causes.find((c) => c.id === id)! : kb.data.symptoms.find((s) => s.id === id)!;
  const page = kb.data.pages.get(pageKey(lang, kind, decl.page ?? id))!;
  const md = `# ${page.title}\n\n_${page.summary}_\n\n${fillPlaceholders(page.body.trim(), {})}\n`;
  if (!opts.html) {
    process.stdout.write(renderTerminal(md, { color: colorEnabled(process.env, process.stdout.isTTY) }));
    return;
  }
  const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const doc = `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(page.title)}</title>
<style>body{font:16px/1.55 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1f2933}
code{background:#f1f3f5;padding:.1em .3em;border-radius:4px}h1{font-size:1.6rem}h2{margin-top:1.8rem;font-size:1.2rem}</style>
</head><body>${renderHtml(md)}</body></html>\n`;
  const target = resolve(opts.html);
  try {
    writeFileSync(target, doc);
  } catch (e) {
    throw new KbError('REQUEST_INVALID', `Cannot write ${target}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.`, { field: 'html' });
  }
  process.stdout.write(`${t(lang, 'preview.wrote', { file: target, id, lang, bytes: Buffer.byteLength(doc) })}\n`);
}
