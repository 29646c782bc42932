import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { loadKnowledgeBase } from '../../src/engine/knowledge-base.ts';
import type { FactValue } from '../../src/generated/schema-types.ts';
import { parsePage } from '../../src/kb/page.ts';
import { guidanceHtml } from '../../src/render/guidance.ts';
import { renderHtml } from '../../src/render/html.ts';
import { guidanceMarkdown, guidanceTemplate } from '../../src/render/placeholders.ts';

const kb = loadKnowledgeBase(undefined, { cacheSize: 0 });
const pages = [...kb.data.pages.values()].filter((p) => guidanceTemplate(p).slots.length > 0);
const factsOfPages = [...new Set(pages.flatMap((p) => guidanceTemplate(p).slots.map((s) => s.fact)))];

// Values as cases have them (hosts, addresses, URLs, builds, codes) and values that must take the
// long way: Markdown and HTML characters, backticks, pipes, spaces at the ends, line breaks, non-ASCII.
const plain = fc.stringMatching(/^[A-Za-z0-9.:/@%+=?#,_-]([A-Za-z0-9 .:/@%+=?#,_-]{0,30}[A-Za-z0-9.:/@%+=?#,_-])?$/);
const hostile = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom('<script>alert(1)</script>', 'a & b', '"quoted"', "it's", '`tick`', 'a | b', ' lead', 'trail ', 'line\nbreak', '**bold**', '_x_', 'ümlaut', '\\', '', 'x'.repeat(600)),
);
const value: fc.Arbitrary<FactValue> = fc.oneof(plain, plain, hostile, fc.boolean(), fc.integer(), fc.array(plain, { maxLength: 3 }));
const factsArb = fc.dictionary(fc.constantFrom(...factsOfPages), value, { maxKeys: 8 });

describe('guidance as HTML from pages rendered once', () => {
  it('has pages with placeholders to test', () => {
    expect(pages.length).toBeGreaterThan(10);
  });

  test.prop([fc.constantFrom(...pages), factsArb], { numRuns: 600 })('is the HTML of the filled Markdown, for every page and any values', (page, facts) => {
    expect(guidanceHtml(page, facts)).toBe(renderHtml(guidanceMarkdown(page, facts)));
  });

  const page = (body: string) => parsePage('content/en/causes/x.md', `---\ntitle: X\nsummary: X\n---\n${body}\n`, { lang: 'en', kind: 'causes', id: 'x' }).page;
  it.each([
    ['a code block', 'Run:\n\n```\nping {{urlHost}}\n```\n'],
    ['a link address', 'Open [the page](https://{{urlHost}}/owa) now.'],
    ['a table cell', '| host | state |\n| --- | --- |\n| {{urlHost}} | up |\n'],
    ['an autolinked address', 'See www.example.com/{{urlHost}} for it.'],
    ['a heading and emphasis', '## Host {{urlHost}}\n\n**{{urlHost|the host}}** and _{{email}}_'],
  ])('is the same where a placeholder sits in %s', (_what, body) => {
    const p = page(body);
    for (const facts of [{}, { urlHost: 'mail.example.com' }, { urlHost: 'a|b' }, { urlHost: 'mail.example.com', email: 'x_y@example.com' }, { urlHost: '<b>x</b>' }] as Record<string, FactValue>[]) {
      expect(guidanceHtml(p, facts)).toBe(renderHtml(guidanceMarkdown(p, facts)));
    }
  });
});
