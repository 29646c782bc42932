import type { DiagnoseResult } from '../generated/schema-types.ts';
import { type Lang, t } from '../i18n/index.ts';
import { describePrior } from './prior.ts';

export type ResultFormat = 'text' | 'md' | 'html' | 'json';

/** A diagnosis as Markdown: symptom, causes best first with the reason and the guidance of the leading ones. */
export function resultToMarkdown(result: DiagnoseResult, options: { guidanceFor?: number; warnings?: boolean | undefined } = {}): string {
  const lang = result.lang as Lang;
  const out: string[] = [];
  if (result.symptom) {
    out.push(`# ${t(lang, 'ui.symptom')}: ${result.symptom.title}`);
    out.push(`_${t(lang, 'ui.matchedBy', { how: t(lang, `match.${result.symptom.matchedBy}` as 'match.exact'), score: `${Math.round(result.symptom.score * 100)} %` })}_`);
  } else {
    out.push(`# ${t(lang, 'ui.noSymptom')}`);
    if (result.suggestions.length > 0) {
      out.push(`${t(lang, 'ui.suggestions')}:`);
      out.push(result.suggestions.map((s) => `- ${s.text}`).join('\n'));
    }
  }
  // Said when the request did not choose: the reader learns why the answer is in this language.
  if (result.langSource !== 'request') out.push(`_${t(lang, `lang.${result.langSource}`)}_`);
  out.push(`## ${t(lang, 'ui.causes')}`);
  if (result.causes.length === 0) out.push(t(lang, 'ui.noCauses'));
  const guidanceFor = options.guidanceFor ?? 1;
  result.causes.forEach((c, i) => {
    const pct = c.status === 'ruled-out' ? '' : ` · ${Math.round(c.score * 100)} %`;
    out.push(`### ${i + 1}. ${c.title} — ${t(lang, `status.${c.status}`)}${pct}`);
    out.push(`${t(lang, 'ui.why')}: ${c.reason}`);
    const learned = describePrior(c.prior, lang);
    if (learned) out.push(`_${learned}_`);
    if (i < guidanceFor && c.status !== 'ruled-out' && c.guidance) {
      out.push(c.guidance.replace(/^## /gm, '#### '));
    } else if (c.summary) {
      out.push(c.summary);
    }
  });
  if (result.questions.length > 0) {
    out.push(`## ${t(lang, 'ui.questions')}`);
    out.push(
      result.questions
        .map((q) => `- ${q.question}${q.options.length > 0 ? ` (${q.options.map((o) => o.label).join(' / ')})` : ''} — \`${q.fact}\``)
        .join('\n'),
    );
  }
  if (result.itQuestions.length > 1) {
    out.push(`## ${t(lang, 'ui.itQuestions')}`);
    out.push(result.itQuestions.map((q, i) => `${i + 1}. ${q.question}${q.options.length > 0 ? ` (${q.options.map((o) => o.label).join(' / ')})` : ''}`).join('\n'));
  }
  if (result.warnings.length > 0 && options.warnings !== false) {
    out.push(`## ${t(lang, 'ui.warnings')}`);
    out.push(result.warnings.map((w) => `- ${w.message} (${w.code})`).join('\n'));
  }
  return `${out.join('\n\n')}\n`;
}

/**
 * Renders a diagnosis in one of the CLI's formats; json is exactly the result object. `warnings:
 * false` leaves the warnings out of the text (the CLI prints them on standard error first). The HTML and
 * terminal renderers are imported on first use: they are the heaviest modules of a CLI start.
 */
export async function renderResult(result: DiagnoseResult, format: ResultFormat, options: { color?: boolean; warnings?: boolean } = {}): Promise<string> {
  switch (format) {
    case 'json':
      return `${JSON.stringify(result, null, 2)}\n`;
    case 'md':
      return resultToMarkdown(result);
    case 'html':
      return (await import('./html.ts')).renderHtml(resultToMarkdown(result));
    case 'text':
      return (await import('./terminal.ts')).renderTerminal(resultToMarkdown(result, { warnings: options.warnings }), options.color === undefined ? {} : { color: options.color });
  }
}
