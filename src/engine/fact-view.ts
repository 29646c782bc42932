import type { FactDeclaration, FactList } from '../generated/schema-types.ts';
import { type Lang, t } from '../i18n/index.ts';
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
      ...(f.question ? { question: f.question[lang] } : {}),
      options: answerOptions(f, lang),
      ...(f.min !== undefined ? { min: f.min } : {}),
      ...(f.max !== undefined ? { max: f.max } : {}),
      ...(f.examples ? { examples: [...f.examples] } : {}),
      causes: (kb.byFact.get(f.id) ?? []).map((c) => c.decl.id),
    }));
  return { lang, facts };
}
