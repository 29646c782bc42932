import type { CompiledKnowledgeBase } from '../engine/knowledge-base.ts';
import type { DiagnoseRequest, DiagnoseResult, FactDeclaration } from '../generated/schema-types.ts';
import { type Lang, t } from '../i18n/index.ts';
import { distinctByFact, type ItemContext, labelOf, wordValue } from './explain.ts';
import { asCodeSpan } from './placeholders.ts';
import { causeSection } from './sections.ts';

/** What a case summary needs besides the diagnosis: the request as sent and what the knowledge base declares. */
export interface SummaryContext {
  readonly request: DiagnoseRequest;
  readonly catalogue: ReadonlyMap<string, FactDeclaration>;
  readonly settings: CompiledKnowledgeBase['data']['settings'];
  /** The page's link to the case; shown last when given (the page sends it). */
  readonly permalink?: string;
}

/** The context for a request from a compiled knowledge base. */
export function summaryContext(kb: CompiledKnowledgeBase, request: DiagnoseRequest, permalink?: string): SummaryContext {
  return { request, catalogue: kb.data.facts, settings: kb.data.settings, ...(permalink ? { permalink } : {}) };
}

/** A text as a fenced block that no backtick run inside it can close. */
function fenced(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}text\n${text.replace(/\r\n?/g, '\n').replace(/\n+$/, '')}\n${fence}`;
}

/** A value of the case in a line of Markdown: words (yes, an option's label) as they are, anything typed as code. */
function answer(value: unknown, decl: FactDeclaration | undefined, ctx: ItemContext): string {
  const words = wordValue(value, ctx, decl);
  const typed = typeof value === 'string' && !decl?.options?.some((o) => o.value === value);
  return typed || typeof value === 'number' ? asCodeSpan(words) : words;
}

const percent = (score: number) => `${Math.round(score * 100)} %`;

/** Block quotes and headings of a guidance section, one level below the summary's own. */
const demoted = (markdown: string) => markdown.replace(/^(#{1,5}) /gm, '#$1 ');

/**
 * The case as Markdown for a ticket, in the result's language: the message as pasted, the facts as
 * question → answer, the top cause with its status and why, the causes ruled out and why, the next
 * step (the fix and what IT is asked to do, the next question, or what to collect), the knowledge
 * base's version and, from the page, the link to the case. The same text for the same request from the
 * API, the CLI and MCP; it holds no time, so it stays the same.
 */
export function renderSummary(result: DiagnoseResult, ctx: SummaryContext): string {
  const lang = result.lang as Lang;
  const words: ItemContext = { lang, catalogue: ctx.catalogue, facts: result.facts };
  const out: string[] = [];
  out.push(`# ${t(lang, 'summary.title')}: ${result.symptom ? result.symptom.title : t(lang, 'summary.noSymptom')}`);

  out.push(`## ${t(lang, 'summary.message')}`);
  out.push(ctx.request.message?.trim() ? fenced(ctx.request.message) : `_${t(lang, 'summary.noMessage')}_`);

  out.push(`## ${t(lang, 'summary.facts')}`);
  const lines = factLines(result, ctx, words);
  out.push(lines.length > 0 ? lines.join('\n') : `_${t(lang, 'summary.noFacts')}_`);

  const open = result.causes.filter((c) => c.status !== 'ruled-out');
  const top = open[0];
  out.push(`## ${t(lang, 'summary.assessment')}`);
  out.push(t(lang, `summary.state.${result.assessment.state}`));
  if (top) {
    out.push(`### ${t(lang, 'summary.topCause')}: ${top.title} — ${t(lang, `status.${top.status}`)}, ${percent(top.score)}`);
    out.push(`${t(lang, 'ui.why')}: ${top.reason}`);
    const forIt = top.explanation.held.map((i) => `- ${i.text}`);
    if (forIt.length > 0) out.push(`${t(lang, 'summary.speaksFor')}:\n${forIt.join('\n')}`);
    const notKnown = distinctByFact([...top.explanation.unknown, ...top.explanation.assumed]).map((i) => `- ${labelOf(i.fact, words)}`);
    if (notKnown.length > 0) out.push(`${t(lang, 'summary.notKnown')}:\n${notKnown.join('\n')}`);
    const others = open.slice(1, 4).map((c) => `- ${c.title} — ${t(lang, `status.${c.status}`)}, ${percent(c.score)}`);
    if (others.length > 0) out.push(`${t(lang, 'summary.others')}:\n${others.join('\n')}`);
  }
  const ruledOut = result.causes.filter((c) => c.status === 'ruled-out');
  if (ruledOut.length > 0) {
    out.push(`## ${t(lang, 'summary.ruledOut')}`);
    // The failed items say why without the status word the heading already says.
    out.push(ruledOut.map((c) => `- ${c.title}: ${c.explanation.failed.map((i) => i.text).join('; ') || c.reason}`).join('\n'));
  }

  out.push(`## ${t(lang, 'summary.nextStep')}`);
  out.push(...nextStep(result, ctx, lang));

  out.push('---');
  const version = t(lang, 'summary.kb', { name: result.kb.name, version: result.kb.version });
  out.push(ctx.permalink ? `${version}  \n${t(lang, 'summary.permalink')}: <${ctx.permalink}>` : version);
  return `${out.join('\n\n')}\n`;
}

/** The facts of the case as question → answer: given, observed by the live test, read from the message, and "I don't know". */
function factLines(result: DiagnoseResult, ctx: SummaryContext, words: ItemContext): string[] {
  const lang = words.lang;
  const given = Object.keys(ctx.request.facts ?? {});
  const observed = Object.keys(ctx.request.observed ?? {});
  const asked = (name: string) => ctx.catalogue.get(name)?.question?.[lang] ?? labelOf(name, words);
  const lines: string[] = [];
  const seen = new Set<string>();
  const add = (name: string, note?: string) => {
    const decl = ctx.catalogue.get(name);
    if (seen.has(name) || !decl || decl.source === 'derived' || !Object.hasOwn(result.facts, name)) return;
    seen.add(name);
    lines.push(`- ${asked(name)} → ${answer(result.facts[name], decl, words)}${note ? ` _(${note})_` : ''}`);
  };
  // What the live test observed beats what a person gave, so it is named as such.
  for (const name of observed) add(name, t(lang, 'summary.observed'));
  for (const name of given) add(name);
  for (const name of Object.keys(result.facts)) add(name, t(lang, 'summary.fromMessage'));
  for (const name of ctx.request.unknown ?? []) {
    if (seen.has(name) || !ctx.catalogue.has(name)) continue;
    seen.add(name);
    lines.push(`- ${asked(name)} → ${t(lang, 'summary.dontKnow')}`);
  }
  return lines;
}

/** The fix and what IT is asked to do for a confirmed or likely cause; else the next question; else what to collect. */
function nextStep(result: DiagnoseResult, ctx: SummaryContext, lang: Lang): string[] {
  const top = result.causes.find((c) => c.status !== 'ruled-out');
  const out: string[] = [];
  if (top && (top.status === 'confirmed' || top.status === 'likely')) {
    const fix = causeSection(top.guidance, 'fix', ctx.settings, lang);
    const escalate = causeSection(top.guidance, 'escalate', ctx.settings, lang);
    if (fix) out.push(`### ${fix.heading}`, demoted(fix.body));
    if (escalate) out.push(`### ${escalate.heading}`, demoted(escalate.body));
  }
  const question = result.questions[0];
  if (result.itQuestions.length > 1) {
    const asked = result.itQuestions.map((q, i) => `${i + 1}. ${q.question}${q.options.length > 0 ? ` (${q.options.map((o) => o.label).join(' / ')})` : ''}`);
    out.push(`${t(lang, 'summary.itQuestions')}:\n${asked.join('\n')}`);
  } else if (question) {
    const options = question.options.length > 0 ? ` (${question.options.map((o) => o.label).join(' / ')})` : '';
    out.push(`${t(lang, 'summary.nextQuestion')}: ${question.question}${options}`);
  }
  const messages = result.assessment.messages ?? [];
  if (messages.length > 0) out.push(`${t(lang, 'summary.knownMessages')}:\n${messages.map((m) => `- ${m.text}`).join('\n')}`);
  if (result.assessment.collect.length > 0) {
    out.push(`${t(lang, 'summary.collect')}:\n${result.assessment.collect.map((c) => `- ${c.text}`).join('\n')}`);
  }
  if (out.length === 0) out.push(t(lang, 'summary.nothingNext'));
  return out;
}
