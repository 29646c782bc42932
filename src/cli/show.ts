import { loadKnowledgeBase } from '../engine/knowledge-base.ts';
import { KbError } from '../engine/errors.ts';
import { factList } from '../engine/fact-view.ts';
import type { FactList } from '../generated/schema-types.ts';
import { type Lang, type MessageKey, t } from '../i18n/index.ts';
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
    lines.push(`  ${t(lang, 'facts.values')}: ${allowedValues(f, lang)}`);
    process.stdout.write(`${lines.join('\n')}\n\n`);
  }
}

/** What a person may give for a fact, in words: the options, yes/no, a range, the form of a version. */
function allowedValues(f: FactList['facts'][number], lang: Lang): string {
  if (f.source === 'derived') return t(lang, 'facts.values.derived');
  const examples = f.examples && f.examples.length > 0 ? ` ${t(lang, 'facts.examples', { examples: f.examples.slice(0, 3).map((e) => (e === '' ? '""' : Array.isArray(e) ? e.join(', ') : String(e))).join('; ') })}` : '';
  if (f.type === 'boolean') return t(lang, 'facts.values.boolean');
  if (f.options.length > 0) {
    const options = f.options.map((o) => (o.label && o.label !== o.value ? `${String(o.value)} (${o.label})` : String(o.value))).join(', ');
    return `${t(lang, f.type === 'string-list' ? 'facts.values.someOf' : 'facts.values.oneOf')} ${options}`;
  }
  if (f.type === 'integer') {
    return f.min !== undefined || f.max !== undefined ? `${t(lang, 'facts.values.range', { min: f.min ?? '…', max: f.max ?? '…' })}${examples}` : `${t(lang, 'facts.values.integer')}${examples}`;
  }
  return `${t(lang, `facts.values.${f.type}` as MessageKey)}${examples}`;
}
