import type { KbSettingsFile } from '../generated/schema-types.ts';
import type { Lang } from '../i18n/index.ts';

/** One `## heading` of a page and the Markdown under it. */
export interface Section {
  readonly heading: string;
  readonly body: string;
}

/** A page's Markdown cut at its `## ` headings (text before the first heading is dropped; pages start with one). */
export function sectionsOf(markdown: string): Section[] {
  const out: Section[] = [];
  let current: { heading: string; lines: string[] } | null = null;
  let fence: string | null = null;
  for (const line of markdown.split('\n')) {
    const opens = /^(`{3,}|~{3,})/.exec(line)?.[1];
    if (opens && (fence === null || opens.startsWith(fence))) fence = fence === null ? opens : null;
    const heading = fence === null ? /^## +(.+?)\s*$/.exec(line)?.[1] : undefined;
    if (heading !== undefined) {
      if (current) out.push({ heading: current.heading, body: current.lines.join('\n').trim() });
      current = { heading, lines: [] };
    } else current?.lines.push(line);
  }
  if (current) out.push({ heading: current.heading, body: current.lines.join('\n').trim() });
  return out;
}

/**
 * What a cause page's sections are for, by their place in rules/kb.yaml's `sections.causes` (kb lint
 * holds every cause page to those sections in that order): what it means, how to check, how to fix,
 * when to involve IT, an example.
 */
export type CauseSectionRole = 'meaning' | 'check' | 'fix' | 'escalate' | 'example';
const roles: readonly CauseSectionRole[] = ['meaning', 'check', 'fix', 'escalate', 'example'];

/** The section of a cause's guidance that plays `role`, or null when the page has no such heading. */
export function causeSection(guidance: string, role: CauseSectionRole, settings: Pick<KbSettingsFile, 'sections'>, lang: Lang): Section | null {
  const heading = settings.sections.causes[lang][roles.indexOf(role)];
  if (heading === undefined) return null;
  return sectionsOf(guidance).find((s) => s.heading === heading) ?? null;
}
