import { type Lang, t } from '../i18n/index.ts';
import type { CoverageItem, CoverageReport } from './coverage.ts';
import type { CaseResult } from './runner.ts';

const pad = (s: string, n: number) => (s.length >= n ? `${s.slice(0, n - 1)}…` : s + ' '.repeat(n - s.length));

/** A failing case: its mismatches, then expected beside the actual ranking, then the top cause's reason. */
export function renderFailure(r: CaseResult, lang: Lang): string {
  const lines: string[] = [];
  const where = `${r.test.location.file}:${r.test.location.line}:${r.test.location.col}`;
  lines.push(`    ${where}`);
  const width = 38;
  lines.push(`    ${pad(t(lang, 'test.expected'), width)} ${t(lang, 'test.actual')}`);
  for (const m of r.mismatches) lines.push(`    ${pad(`${m.what}: ${m.expected}`, width)} ${m.actual}`);
  if (r.result) {
    lines.push(`    ${pad('', width)} ${t(lang, 'test.ranking')}:`);
    r.result.causes.slice(0, 6).forEach((c, i) => {
      lines.push(`    ${pad('', width)} ${i + 1}. ${c.id} ${c.status} ${Math.round(c.score * 100)}%`);
    });
    const top = r.result.causes[0];
    if (top) lines.push(`    ${t(lang, 'ui.why')} (${top.id}): ${top.reason}`);
  }
  return lines.join('\n');
}

export function renderResults(results: readonly CaseResult[], lang: Lang): string {
  const lines: string[] = [];
  for (const r of results) {
    lines.push(`${r.passed ? '  ✓' : '  ✗'} ${r.test.name}`);
    if (!r.passed) lines.push(renderFailure(r, lang));
  }
  const failed = results.filter((r) => !r.passed).length;
  lines.push('');
  // The plain closing line test tooling reads: "N passed, N failed".
  lines.push(`${results.length - failed} passed, ${failed} failed`);
  return `${lines.join('\n')}\n`;
}

function uncovered(title: string, items: readonly CoverageItem[]): string[] {
  const missing = items.filter((i) => !i.covered);
  if (missing.length === 0) return [];
  return [
    `  ${title}:`,
    ...missing.map((i) => `    ${i.location ? `${i.location.file}:${i.location.line}:${i.location.col}` : '?'} ${i.id} (${i.missing.join(', ')})`),
  ];
}

export function renderCoverage(c: CoverageReport, minimum: Partial<Record<'causes' | 'conditions' | 'signals', number>>, lang: Lang): string {
  const row = (k: 'causes' | 'conditions' | 'signals', items: readonly CoverageItem[]) =>
    `  ${pad(t(lang, `test.${k}`), 14)} ${String(c.percent[k]).padStart(5)} %  (${items.filter((i) => i.covered).length}/${items.length})${minimum[k] !== undefined ? `  ${t(lang, 'test.minimum')} ${minimum[k]} %` : ''}`;
  return [
    t(lang, 'test.coverage'),
    row('causes', c.causes),
    row('conditions', c.conditions),
    row('signals', c.signals),
    ...uncovered(t(lang, 'test.causes'), c.causes),
    ...uncovered(t(lang, 'test.conditions'), c.conditions),
    ...uncovered(t(lang, 'test.signals'), c.signals),
    '',
  ].join('\n');
}

/** Which minimums the coverage misses. */
export function belowMinimum(c: CoverageReport, minimum: Partial<Record<'causes' | 'conditions' | 'signals', number>>): string[] {
  return (['causes', 'conditions', 'signals'] as const).filter((k) => minimum[k] !== undefined && c.percent[k] < minimum[k]!);
}
