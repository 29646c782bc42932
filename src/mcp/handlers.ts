import { diagnose } from '../engine/diagnose.ts';
import { KbError } from '../engine/errors.ts';
import { factList } from '../engine/fact-view.ts';
import type { CompiledKnowledgeBase } from '../engine/knowledge-base.ts';
import type { DiagnoseRequest, DiagnoseResult, FactValue } from '../generated/schema-types.ts';
import { isLang, type Lang, t } from '../i18n/index.ts';
import { closest } from '../kb/_closest.ts';
import { pageKey } from '../kb/model.ts';
import { distinctByFact } from '../render/explain.ts';
import { fillPlaceholders, renderSummary, summaryContext } from '../render/index.ts';
import type { ToolName } from './tools.ts';

/** What a tool returns: the structured result (matching its output schema) and a short text for the model. */
export interface ToolOutcome {
  readonly structured: Record<string, unknown>;
  readonly text: string;
}

type Warning = DiagnoseResult['warnings'][number];

const langOf = (kb: CompiledKnowledgeBase, value: unknown): Lang => (isLang(value) ? value : kb.data.settings.defaultLanguage);

/** Runs a tool on arguments that already passed its input schema. */
export async function runTool(kb: CompiledKnowledgeBase, name: ToolName, args: Record<string, unknown>): Promise<ToolOutcome> {
  switch (name) {
    case 'diagnose':
      return diagnoseTool(kb, args as DiagnoseRequest);
    case 'case_summary':
      return caseSummary(kb, args as DiagnoseRequest);
    case 'search_errors':
      return searchErrors(kb, args as { query: string; limit?: number; lang?: Lang });
    case 'get_guidance':
      return getGuidance(kb, args as { id: string; lang: Lang; facts?: Record<string, FactValue> });
    case 'list_facts':
      return listFacts(kb, args as { lang?: Lang; includeDerived?: boolean });
  }
}

async function diagnoseTool(kb: CompiledKnowledgeBase, request: DiagnoseRequest): Promise<ToolOutcome> {
  const result = await diagnose(kb, request);
  return { structured: result as unknown as Record<string, unknown>, text: diagnoseText(result) };
}

/** The case summary, the same text as POST /v1/summary and kb diagnose --format summary. */
async function caseSummary(kb: CompiledKnowledgeBase, request: DiagnoseRequest): Promise<ToolOutcome> {
  const result = await diagnose(kb, request);
  const markdown = renderSummary(result, summaryContext(kb, request));
  return { structured: { lang: result.lang, markdown }, text: markdown };
}

const oneLine = (s: string, max = 300) => {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

/** How many causes the text names with their reason; the rest are listed by id. */
const shownCauses = 5;

/** A compact summary that is enough to continue the conversation when a client shows only the text. */
export function diagnoseText(r: DiagnoseResult): string {
  const lines: string[] = [];
  if (r.symptom) {
    lines.push(`Symptom: ${r.symptom.id} "${r.symptom.title}" (recognised: ${r.symptom.matchedBy}, score ${r.symptom.score}).`);
  } else {
    lines.push('Symptom: none recognised.');
    if (r.suggestions.length > 0) {
      lines.push(`Closest known messages: ${r.suggestions.map((s) => `"${s.text}" (symptom ${s.symptom})`).join('; ')}.`);
      lines.push('If the customer saw one of these, call diagnose again with `symptom` set to its id.');
    }
  }
  const open = r.causes.filter((c) => c.status !== 'ruled-out');
  const ruledOut = r.causes.filter((c) => c.status === 'ruled-out');
  if (open.length === 0) lines.push('Causes: none in the running yet; add facts or the exact error message.');
  else {
    lines.push('Causes, best first:');
    open.slice(0, shownCauses).forEach((c, i) => {
      lines.push(`${i + 1}. ${c.id} [${c.status}, ${c.score}] ${c.title}: ${oneLine(c.reason, 240)}`);
      // The explanation items in the words the customer gave (labels and values, no fact ids).
      if (c.explanation.held.length > 0) lines.push(`   for it: ${oneLine(c.explanation.held.map((x) => x.text).join('; '), 240)}`);
      if (c.explanation.failed.length > 0) lines.push(`   against it: ${oneLine(c.explanation.failed.map((x) => x.text).join('; '), 240)}`);
      const notKnown = distinctByFact([...c.explanation.unknown, ...c.explanation.assumed]);
      if (i === 0 && notKnown.length > 0) lines.push(`   ${oneLine(notKnown.map((x) => x.text).join('; '), 240)}`);
    });
    if (open.length > shownCauses) lines.push(`… and ${open.length - shownCauses} more: ${open.slice(shownCauses).map((c) => c.id).join(', ')}.`);
  }
  if (ruledOut.length > 0) lines.push(`Ruled out: ${ruledOut.map((c) => c.id).join(', ')}.`);
  if (r.questions.length > 0) {
    lines.push('Next questions (ask the first; pass the answer as facts.<fact> in another diagnose call):');
    for (const q of r.questions) {
      const options = q.options.length > 0 ? `; answers: ${q.options.map((o) => `${JSON.stringify(o.value)} = ${o.label}`).join(', ')}` : '';
      lines.push(`- ${q.fact} (${q.type}, cost ${q.cost}${options}): ${q.question}`);
    }
  }
  if (r.itQuestions.length > 1) {
    lines.push(`The first question is for the IT department: ask them these ${r.itQuestions.length} in one request and pass every answer: ${r.itQuestions.map((q) => q.fact).join(', ')}.`);
  }
  lines.push(`Assessment: ${r.assessment.state} (${r.assessment.reason}).`);
  if (r.assessment.collect.length > 0) lines.push(`Unclear case; collect: ${r.assessment.collect.map((c) => c.text).join(' ')}`);
  lines.push(`Language: ${r.lang} (chosen by ${r.langSource}).`);
  for (const w of r.warnings) lines.push(`Warning ${w.code}${w.field ? ` (${w.field})` : ''}: ${oneLine(w.message)}`);
  if (open.length > 0) lines.push('Step-by-step guidance per cause: structuredContent.causes[].guidance, or call get_guidance with the cause id.');
  return lines.join('\n');
}

function searchErrors(kb: CompiledKnowledgeBase, args: { query: string; limit?: number; lang?: Lang }): ToolOutcome {
  const lang = langOf(kb, args.lang);
  const limit = args.limit ?? 10;
  const seen = new Set<string>();
  const hits: { symptom: string; title: string; text: string; score: number }[] = [];
  for (const h of kb.recognizer.search(args.query, limit * 3)) {
    // The index holds spellings that differ only in case; one of them is enough.
    const key = `${h.symptom}\u0000${h.text.toLowerCase()}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const title = kb.data.symptoms.find((s) => s.id === h.symptom)?.title[lang] ?? h.symptom;
    hits.push({ symptom: h.symptom, title, text: h.text, score: h.score });
    if (hits.length >= limit) break;
  }
  const text =
    hits.length === 0
      ? 'No known error message matches. Call diagnose with the full text (it also reads technical details), or try other words.'
      : [
          'Known messages, best first:',
          ...hits.map((h, i) => `${i + 1}. "${h.text}" → symptom ${h.symptom} (${h.title}), score ${h.score}`),
          'Next: call diagnose with the exact message, or with symptom set to the best id.',
        ].join('\n');
  return { structured: { query: args.query, hits }, text };
}

async function getGuidance(kb: CompiledKnowledgeBase, args: { id: string; lang: Lang; facts?: Record<string, FactValue> }): Promise<ToolOutcome> {
  const lang = langOf(kb, args.lang);
  const cause = kb.data.causes.find((c) => c.id === args.id);
  const symptom = cause ? undefined : kb.data.symptoms.find((s) => s.id === args.id);
  if (!cause && !symptom) {
    const known = [...kb.data.symptoms.map((s) => s.id), ...kb.data.causes.map((c) => c.id)];
    const hint = closest(args.id, known);
    throw new KbError('NOT_FOUND', `No cause or symptom "${args.id}".${hint ? ` Did you mean "${hint}"?` : ''} Known: ${known.join(', ')}.`, { field: 'id' });
  }
  const warnings: Warning[] = [];
  // Facts go through the engine as in a diagnosis: checked, coerced, and derived facts (the suggested
  // EWS URL from a webmail URL) computed, so every placeholder a page may use can be filled.
  let facts: Record<string, FactValue> = {};
  if (args.facts && Object.keys(args.facts).length > 0) {
    const r = await diagnose(kb, { facts: args.facts, lang });
    facts = r.facts as Record<string, FactValue>;
    warnings.push(...r.warnings.filter((w) => w.code.startsWith('FACT_')));
  }
  const kind = cause ? 'causes' : 'symptoms';
  const pageId = (cause ?? symptom)!.page ?? args.id;
  let page = kb.data.pages.get(pageKey(lang, kind, pageId));
  if (!page && lang !== 'en') {
    page = kb.data.pages.get(pageKey('en', kind, pageId));
    if (page) warnings.push({ code: 'LANG_FALLBACK', field: args.id, message: t(lang, 'warn.langFallback', { id: args.id, lang }) });
  }
  const causeTitle = (id: string) => kb.data.pages.get(pageKey(lang, 'causes', id))?.title ?? kb.data.pages.get(pageKey('en', 'causes', id))?.title ?? id;
  const related = cause
    ? cause.symptoms.map((id) => ({ id, kind: 'symptom' as const, title: kb.data.symptoms.find((s) => s.id === id)?.title[lang] ?? id }))
    : (kb.bySymptom.get(args.id) ?? []).map((c) => ({ id: c.decl.id, kind: 'cause' as const, title: causeTitle(c.decl.page ?? c.decl.id) }));
  const title = page?.title ?? (symptom ? symptom.title[lang] : args.id);
  const summary = page?.summary ?? '';
  const body = page ? fillPlaceholders(page.body.trim(), facts) : '';
  const markdown = `# ${title}\n\n${summary ? `${summary}\n\n` : ''}${body}\n`;
  const structured = { id: args.id, kind: cause ? 'cause' : 'symptom', lang, title, summary, markdown, related, warnings };
  const notes = [
    ...warnings.map((w) => `Warning ${w.code}${w.field ? ` (${w.field})` : ''}: ${oneLine(w.message)}`),
    ...(symptom && related.length > 0 ? [`Possible causes of this symptom: ${related.map((r) => r.id).join(', ')} (call diagnose to rank them).`] : []),
  ];
  return { structured, text: notes.length > 0 ? `${markdown}\n---\n${notes.join('\n')}` : markdown };
}

function listFacts(kb: CompiledKnowledgeBase, args: { lang?: Lang; includeDerived?: boolean }): ToolOutcome {
  const lang = langOf(kb, args.lang);
  const { facts } = factList(kb, lang, { includeDerived: args.includeDerived === true });
  const text = [
    `${facts.length} facts (name, type, source, cost: question or description). Pass them to diagnose as facts: {name: value}.`,
    ...facts.map((f) => {
      const options = f.options.length > 0 && f.type !== 'boolean' ? ` [${f.options.map((o) => o.value).join(' | ')}]` : '';
      return `- ${f.id} (${f.type}${options}, ${f.source}, ${f.cost}): ${f.question ?? f.description}`;
    }),
  ].join('\n');
  return { structured: { lang, facts }, text };
}
