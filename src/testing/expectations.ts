import type { DiagnoseResult, RuleTestExpectation } from '../generated/schema-types.ts';

/** One unmet expectation: what was expected and what the diagnosis gave. */
export interface Mismatch {
  readonly what: string;
  readonly expected: string;
  readonly actual: string;
}

const show = (v: unknown) => (v === undefined ? '(none)' : JSON.stringify(v));

/** Compares a diagnosis with a test's expectations; an empty list means the case passes. */
export function checkExpectations(result: DiagnoseResult, expect: RuleTestExpectation): Mismatch[] {
  const out: Mismatch[] = [];
  const top = result.causes[0] && result.causes[0].status !== 'ruled-out' ? result.causes[0] : undefined;
  const find = (id: string) => result.causes.find((c) => c.id === id);
  if (expect.top !== undefined && top?.id !== expect.top) out.push({ what: 'top cause', expected: expect.top, actual: top?.id ?? '(none)' });
  if (expect.topStatus !== undefined && top?.status !== expect.topStatus) out.push({ what: 'top status', expected: expect.topStatus, actual: top ? `${top.status} (${top.id})` : '(none)' });
  for (const [id, status] of Object.entries(expect.status ?? {})) {
    const actual = find(id)?.status ?? 'absent';
    if (actual !== status) out.push({ what: `status of ${id}`, expected: status, actual });
  }
  for (const [id, rank] of Object.entries(expect.rank ?? {})) {
    const index = result.causes.findIndex((c) => c.id === id && c.status !== 'ruled-out');
    if (index === -1 || index + 1 > rank) out.push({ what: `rank of ${id}`, expected: `≤ ${rank}`, actual: index === -1 ? 'absent or ruled out' : String(index + 1) });
  }
  for (const id of expect.ruledOut ?? []) {
    const actual = find(id)?.status ?? 'absent';
    if (actual !== 'ruled-out') out.push({ what: `${id} ruled out`, expected: 'ruled-out', actual });
  }
  if (expect.symptom !== undefined && (result.symptom?.id ?? null) !== expect.symptom) {
    out.push({ what: 'symptom', expected: show(expect.symptom), actual: show(result.symptom?.id ?? null) });
  }
  if (expect.question !== undefined && result.questions[0]?.fact !== expect.question) {
    out.push({ what: 'first question', expected: expect.question, actual: result.questions[0]?.fact ?? '(none)' });
  }
  for (const [name, value] of Object.entries(expect.facts ?? {})) {
    const actual = (result.facts as Record<string, unknown>)[name];
    if (JSON.stringify(actual) !== JSON.stringify(value)) out.push({ what: `fact ${name}`, expected: show(value), actual: show(actual) });
  }
  return out;
}
