import type { FactValue } from '../generated/schema-types.ts';
import type { Page } from '../kb/page.ts';
import { renderHtml } from './html.ts';
import type { CompiledKnowledgeBase } from '../engine/knowledge-base.ts';
import type { DiagnoseResult } from '../generated/schema-types.ts';
import { pageKey } from '../kb/model.ts';
import { fillTemplate, guidanceMarkdown, guidanceTemplate, type Template } from './placeholders.ts';

type Facts = Readonly<Record<string, FactValue>>;

/**
 * The page's HTML with the placeholders whose facts are known left out: `pieces` are the HTML around
 * them, in slot order. Null when the page cannot be rendered that way (a placeholder inside a code
 * block, a link address or a table cell that its value could change), then the whole page is rendered.
 */
type HtmlTemplate = { readonly pieces: readonly string[]; readonly slots: readonly number[] } | null;

/** Per template, by which placeholders have a value ('1') and which show their fallback ('0'). */
const htmlTemplates = new WeakMap<Template, Map<string, HtmlTemplate>>();

/** At most this many sets of known placeholders kept per page (2^placeholders at worst). */
const maxMasks = 64;

const sentinel = (i: number) => `kbslot${i}z`;

/** Whether a placeholder's slot is filled with its fact's value (fillTemplate's rule). */
const filled = (facts: Facts, fact: string) => Object.hasOwn(facts, fact) && facts[fact] !== '';

function compileHtml(template: Template, mask: string): HtmlTemplate {
  const { literals, slots } = template;
  if (literals.some((l) => l.includes('kbslot')) || slots.some((s) => s.fallback.includes('kbslot'))) return null;
  // The Markdown as fillTemplate writes it, a code span of a sentinel word where a value goes.
  let markdown = literals[0]!;
  slots.forEach((slot, i) => {
    markdown += (mask[i] === '1' ? `\`${sentinel(i)}\`` : slot.fallback) + literals[i + 1]!;
  });
  const html = renderHtml(markdown);
  const pieces: string[] = [];
  const order: number[] = [];
  let at = 0;
  const found: { slot: number; index: number }[] = [];
  for (let i = 0; i < slots.length; i++) {
    if (mask[i] !== '1') continue;
    const code = `<code>${sentinel(i)}</code>`;
    const index = html.indexOf(code);
    // Each value's code span exactly once, as a code span of its own (not in a code block, a link, a table's cell split).
    if (index === -1 || html.indexOf(sentinel(i), index + code.length) !== -1 || html.indexOf(sentinel(i)) !== index + '<code>'.length) return null;
    found.push({ slot: i, index });
  }
  found.sort((a, b) => a.index - b.index);
  for (const { slot, index } of found) {
    pieces.push(html.slice(at, index));
    order.push(slot);
    at = index + `<code>${sentinel(slot)}</code>`.length;
  }
  pieces.push(html.slice(at));
  if (pieces.some((p) => p.includes('kbslot'))) return null;
  return { pieces, slots: order };
}

/**
 * A value that renders as itself inside `<code>` wherever a code span of it stands: letters, digits
 * and the few signs of host names, addresses, URLs, builds and codes, with nothing Markdown (no
 * backtick, emphasis star, pipe, backslash) or HTML (no `& < > " '`) reads, no space at either end.
 * Anything else takes the whole page through Markdown and the sanitiser.
 */
const plainValue = /^[A-Za-z0-9.:/@%+=?#,_-](?:[A-Za-z0-9 .:/@%+=?#,_-]*[A-Za-z0-9.:/@%+=?#,_-])?$/;

/** The text a known fact shows in a placeholder (asCodeSpan's content), or null when it is not plain. */
function plainText(value: FactValue): string | null {
  const text = (Array.isArray(value) ? value.join(', ') : String(value)).replace(/[\r\n]+/g, ' ').slice(0, 500);
  return plainValue.test(text) ? text : null;
}

/**
 * A page's guidance as sanitised HTML with the case's facts filled in: the same HTML as
 * renderHtml(guidanceMarkdown(page, facts)). The page's Markdown is rendered once per set of known
 * placeholders and the values put into its code spans; a value or page where that would not give
 * the same HTML is rendered whole.
 */
export function guidanceHtml(page: Page, facts: Facts): string {
  const template = guidanceTemplate(page);
  const { slots } = template;
  if (slots.length === 0) return fastOrWhole(template, '', [], facts);
  let mask = '';
  const values: (string | null)[] = [];
  for (const slot of slots) {
    const known = filled(facts, slot.fact);
    mask += known ? '1' : '0';
    values.push(known ? plainText(facts[slot.fact]!) : null);
  }
  if (values.some((v, i) => mask[i] === '1' && v === null)) return renderHtml(fillTemplate(template, facts));
  return fastOrWhole(template, mask, values, facts);
}

function fastOrWhole(template: Template, mask: string, values: readonly (string | null)[], facts: Facts): string {
  let byMask = htmlTemplates.get(template);
  if (!byMask) {
    byMask = new Map();
    htmlTemplates.set(template, byMask);
  }
  let compiled = byMask.get(mask);
  if (compiled === undefined) {
    compiled = compileHtml(template, mask);
    if (byMask.size < maxMasks) byMask.set(mask, compiled);
  }
  if (compiled === null) return renderHtml(fillTemplate(template, facts));
  let out = compiled.pieces[0]!;
  for (let k = 0; k < compiled.slots.length; k++) out += `<code>${values[compiled.slots[k]!]}</code>${compiled.pieces[k + 1]}`;
  return out;
}

/**
 * A diagnosis with each cause's guidance as sanitised HTML (HTTP `?format=html`): the HTML
 * renderHtml(cause.guidance) gives, from the cause's page rendered once per set of known
 * placeholders. Guidance that is not its page's filled in (another knowledge base's result) is rendered as it is.
 */
export function withHtmlGuidance(kb: Pick<CompiledKnowledgeBase, 'data' | 'causes'>, result: DiagnoseResult): DiagnoseResult {
  // The facts the guidance was filled from (the result lists them all, given and derived).
  const facts = result.facts as Facts;
  return {
    ...result,
    causes: result.causes.map((c) => {
      const id = kb.causes.get(c.id)?.decl.page ?? c.id;
      const page = kb.data.pages.get(pageKey(result.lang, 'causes', id)) ?? kb.data.pages.get(pageKey('en', 'causes', id));
      const html = page && guidanceMarkdown(page, facts) === c.guidance ? guidanceHtml(page, facts) : renderHtml(c.guidance);
      return { ...c, guidance: html };
    }),
  };
}
