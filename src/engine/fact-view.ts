import type { FactDeclaration, FactList } from '../generated/schema-types.ts';
import { type Lang, type MessageKey, t } from '../i18n/index.ts';
import type { CompiledKnowledgeBase } from './knowledge-base.ts';

export type FactOptionView = { value: string | boolean; label: string };

/** The answers to offer for a fact in one language: yes/no for a boolean, the declared options otherwise. */
export function answerOptions(decl: FactDeclaration, lang: Lang): FactOptionView[] {
  if (decl.type === 'boolean') return [{ value: true, label: t(lang, 'value.true') }, { value: false, label: t(lang, 'value.false') }];
  return (decl.options ?? []).map((o) => ({ value: o.value, label: o.label[lang] }));
}

/** The fact catalogue in one language, as the HTTP API and the MCP server list it (schemas/fact-list). */
export function factList(kb: CompiledKnowledgeBase, lang: Lang, options: { includeDerived?: boolean } = {}): FactList {
  const facts = [...kb.data.facts.values()]
    .filter((f) => options.includeDerived !== false || f.source !== 'derived')
    .map((f) => ({
      id: f.id,
      type: f.type,
      source: f.source,
      cost: f.cost,
      description: f.description[lang],
      label: f.label?.[lang] ?? f.description[lang].replace(/\.$/, ''),
      accepts: acceptedValues(f, lang),
      ...(f.question ? { question: f.question[lang] } : {}),
      options: answerOptions(f, lang),
      ...(f.min !== undefined ? { min: f.min } : {}),
      ...(f.max !== undefined ? { max: f.max } : {}),
      ...(f.examples ? { examples: [...f.examples] } : {}),
      causes: (kb.byFact.get(f.id) ?? []).map((c) => c.decl.id),
    }));
  return { lang, facts };
}

/** What a person may give for a fact, in words: the options, yes/no, a range, the form of a version, with examples. */
export function acceptedValues(f: FactDeclaration, lang: Lang): string {
  if (f.source === 'derived') return t(lang, 'facts.values.derived');
  const examples = f.examples && f.examples.length > 0 ? ` ${t(lang, 'facts.examples', { examples: f.examples.slice(0, 3).map((e) => (e === '' ? '""' : Array.isArray(e) ? e.join(', ') : String(e))).join('; ') })}` : '';
  if (f.type === 'boolean') return t(lang, 'facts.values.boolean');
  const options = answerOptions(f, lang);
  if (options.length > 0) {
    const listed = options.map((o) => (o.label && o.label !== o.value ? `${String(o.value)} (${o.label})` : String(o.value))).join(', ');
    return `${t(lang, f.type === 'string-list' ? 'facts.values.someOf' : 'facts.values.oneOf')} ${listed}`;
  }
  if (f.type === 'integer') {
    return f.min !== undefined || f.max !== undefined ? `${t(lang, 'facts.values.range', { min: f.min ?? '…', max: f.max ?? '…' })}${examples}` : `${t(lang, 'facts.values.integer')}${examples}`;
  }
  return `${t(lang, `facts.values.${f.type}` as MessageKey)}${examples}`;
}
