import type { FactValue } from '../generated/schema-types.ts';
import { placeholderPattern } from '../kb/page.ts';

/** A fact value as an inline code span: nothing in it is read as Markdown or HTML. */
export function asCodeSpan(value: string): string {
  const clean = value.replace(/[\r\n]+/g, ' ').slice(0, 500);
  const longestRun = Math.max(0, ...[...clean.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = clean.startsWith('`') || clean.endsWith('`') || clean === '' ? ' ' : '';
  return `${fence}${pad}${clean}${pad}${fence}`;
}

function show(value: FactValue): string {
  return Array.isArray(value) ? value.join(', ') : String(value);
}

/**
 * Fills `{{fact}}` and `{{fact|fallback}}` in Markdown from the facts. A known value is inserted as
 * inline code, so text pasted by a user can never become markup; an unknown one shows the fallback
 * the writer gave, or an ellipsis.
 */
export function fillPlaceholders(markdown: string, facts: Readonly<Record<string, FactValue>>): string {
  return markdown.replace(placeholderPattern, (_whole, fact: string, fallback: string | undefined) =>
    Object.hasOwn(facts, fact) && facts[fact] !== '' ? asCodeSpan(show(facts[fact]!)) : (fallback?.trim() ?? '…'),
  );
}
