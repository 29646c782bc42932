import { diagnose, loadKnowledgeBase, type CompiledKnowledgeBase, type DiagnoseRequest } from '../../src/index.ts';
import type { ProbeFacts } from '../../src/probe/index.ts';

let kb: CompiledKnowledgeBase | undefined;

/** Diagnoses the probe's facts as `observed` (with an optional symptom or given facts) on the bundled KB. */
export async function diagnoseObserved(facts: ProbeFacts, request: Omit<DiagnoseRequest, 'observed'> = {}) {
  kb ??= loadKnowledgeBase();
  return diagnose(kb, { ...request, observed: facts as DiagnoseRequest['observed'] });
}

/** The best cause: its id and status. */
export async function topCause(facts: ProbeFacts, request: Omit<DiagnoseRequest, 'observed'> = {}): Promise<{ id: string; status: string }> {
  const result = await diagnoseObserved(facts, request);
  const top = result.causes[0];
  return top ? { id: top.id, status: top.status } : { id: '(none)', status: '' };
}
