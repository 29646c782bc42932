import { loadKnowledgeBase } from '../engine/knowledge-base.ts';
import { KbError } from '../engine/errors.ts';
import { factList } from '../engine/fact-view.ts';
import { type Lang, t } from '../i18n/index.ts';
import { closest } from '../kb/_closest.ts';
import { colorEnabled } from './_terminal.ts';
import { pageKey } from '../kb/model.ts';
import { fillPlaceholders, renderHtml, renderTerminal } from '../render/index.ts';

export async function runShow(id: string, opts: { lang?: Lang; format: 'text' | 'md' | 'html'; kb?: string }): Promise<void> {
  const kb = loadKnowledgeBase(opts.kb);
  const lang = opts.lang ?? kb.data.settings.defaultLanguage;
  const kind = kb.data.causes.some((c) => c.id === id) ? 'causes' : kb.data.symptoms.some((s) => s.id === id) ? 'symptoms' : null;
  if (!kind) {
    const known = [...kb.data.symptoms.map((s) => s.id), ...kb.data.causes.map((c) => c.id)];
    const hint = closest(id, known);
    throw new KbError('NOT_FOUND', `No symptom or cause "${id}".${hint ? ` Did you mean "${hint}"?` : ''} Known: ${known.join(', ')}.`, { field: 'id' });
  }
  const decl = kind === 'causes' ? kb.data.causes.find((c) => c.id === id)! : kb.data.symptoms.find((s) => s.id === id)!;
  const page = kb.data.pages.get(pageKey(lang, kind, decl.page ?? id)) ?? kb.data.pages.get(pageKey('en', kind, decl.page ?? id))!;
  // No facts known here: placeholders show the writer's fallback text.
  const md = `# ${page.title}\n\n${page.summary}\n\n${fillPlaceholders(page.body.trim(), {})}\n`;
  process.stdout.write(opts.format === 'md' ? md : opts.format === 'html' ? renderHtml(md) : renderTerminal(md, { color: colorEnabled(process.env, process.stdout.isTTY) }));
}

export async function runFacts(opts: { lang?: Lang; format: 'text' | 'json'; kb?: string }): Promise<void> {
  const kb = loadKnowledgeBase(opts.kb);
  const lang = opts.lang ?? kb.data.settings.defaultLanguage;
  // The same list as GET /v1/facts and the MCP tool list_facts, derived facts included.
  const list = factList(kb, lang, { includeDerived: true });
  if (opts.format === 'json') {
    process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
    return;
  }
  for (const f of list.facts) {
    const lines = [`${f.id}  ${f.type} · ${t(lang, `facts.source.${f.source}`)} · ${t(lang, `facts.cost.${f.cost}`)}`, `  ${f.description}`];
    if (f.question) lines.push(`  ${t(lang, 'facts.question')}: ${f.question}`);
    lines.push(`  ${t(lang, 'facts.values')}: ${f.accepts}`);
    process.stdout.write(`${lines.join('\n')}\n\n`);
  }
}
