import type { FactValue } from '../generated/schema-types.ts';
import { type Page, placeholderPattern } from '../kb/page.ts';

/** A fact value as an inline code span: nothing in it is read as Markdown or HTML. */
export function asCodeSpan(value: string): string {
  const clean = value.replace(/[\r\n]+/g, ' ').slice(0, 500);
  const longestRun = clean.includes('`') ? Math.max(0, ...[...clean.matchAll(/`+/g)].map((m) => m[0].length)) : 0;
  const fence = '`'.repeat(longestRun + 1);
  const pad = clean.startsWith('`') || clean.endsWith('`') || clean === '' ? ' ' : '';
  return `${fence}${pad}${clean}${pad}${fence}`;
}

function show(value: FactValue): string {
  return Array.isArray(value) ? value.join(', ') : String(value);
}

/** A Markdown text split at its placeholders once: literal parts, and between them the fact and its fallback. */
export interface Template {
  readonly literals: readonly string[];
  readonly slots: readonly { readonly fact: string; readonly fallback: string }[];
}

/** Splits `markdown` at its `{{fact}}` / `{{fact|fallback}}` placeholders (see fillTemplate). */
export function compileTemplate(markdown: string): Template {
  const literals: string[] = [];
  const slots: { fact: string; fallback: string }[] = [];
  let at = 0;
  for (const m of markdown.matchAll(placeholderPattern)) {
    literals.push(markdown.slice(at, m.index));
    slots.push({ fact: m[1]!, fallback: m[2]?.trim() ?? '…' });
    at = m.index + m[0].length;
  }
  literals.push(markdown.slice(at));
  return { literals, slots };
}

/** The placeholder's text: a known value as inline code, else the writer's fallback (or an ellipsis). */
function slotText(slot: Template['slots'][number], facts: Readonly<Record<string, FactValue>>): string {
  return Object.hasOwn(facts, slot.fact) && facts[slot.fact] !== '' ? asCodeSpan(show(facts[slot.fact]!)) : slot.fallback;
}

/** A compiled template filled from the facts; the same text as fillPlaceholders on its Markdown. */
export function fillTemplate(template: Template, facts: Readonly<Record<string, FactValue>>): string {
  const { literals, slots } = template;
  if (slots.length === 0) return literals[0]!;
  let out = literals[0]!;
  for (let i = 0; i < slots.length; i++) out += slotText(slots[i]!, facts) + literals[i + 1]!;
  return out;
}

/**
 * Fills `{{fact}}` and `{{fact|fallback}}` in Markdown from the facts. A known value is inserted as
 * inline code, so text pasted by a user can never become markup; an unknown one shows the fallback
 * the writer gave, or an ellipsis.
 */
export function fillPlaceholders(markdown: string, facts: Readonly<Record<string, FactValue>>): string {
  return fillTemplate(compileTemplate(markdown), facts);
}

/** Each page's guidance split at its placeholders once (a knowledge base's pages never change). */
const templates = new WeakMap<Page, Template>();

/** A page's guidance as a template (its Markdown body, trimmed, split at the placeholders). */
export function guidanceTemplate(page: Page): Template {
  let template = templates.get(page);
  if (!template) {
    template = compileTemplate(page.body.trim());
    templates.set(page, template);
  }
  return template;
}

/** A page's guidance in Markdown with the case's facts filled in. */
export function guidanceMarkdown(page: Page, facts: Readonly<Record<string, FactValue>>): string {
  return fillTemplate(guidanceTemplate(page), facts);
}
