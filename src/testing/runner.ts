import { diagnose } from '../engine/diagnose.ts';
import type { CompiledKnowledgeBase } from '../engine/knowledge-base.ts';
import type { DiagnoseRequest, DiagnoseResult, RuleTest } from '../generated/schema-types.ts';
import type { SourceLocation } from '../kb/model.ts';
import { checkExpectations, type Mismatch } from './expectations.ts';

export type LocatedTest = RuleTest & { readonly location: SourceLocation };

export interface CaseResult {
  readonly test: LocatedTest;
  readonly passed: boolean;
  readonly mismatches: readonly Mismatch[];
  /** Null when the request itself was rejected (then `error` says why). */
  readonly result: DiagnoseResult | null;
  readonly error?: string;
  /** Ids of the signals whose pattern matched the case's message. */
  readonly signals: readonly string[];
}

export function requestOf(test: RuleTest): DiagnoseRequest {
  const request: DiagnoseRequest = {};
  if (test.message !== undefined) request.message = test.message;
  if (test.symptom !== undefined) request.symptom = test.symptom;
  if (test.facts !== undefined) request.facts = test.facts;
  if (test.observed !== undefined) request.observed = test.observed;
  if (test.lang !== undefined) request.lang = test.lang;
  return request;
}

/** Runs rule tests against a compiled knowledge base; `filter` keeps cases whose name contains it. */
export async function runTests(kb: CompiledKnowledgeBase, tests: readonly LocatedTest[], filter?: string): Promise<CaseResult[]> {
  const out: CaseResult[] = [];
  for (const test of tests) {
    if (filter && !test.name.toLowerCase().includes(filter.toLowerCase())) continue;
    const signals = test.message ? kb.recognizer.recognize(test.message).signals : [];
    try {
      const result = await diagnose(kb, requestOf(test));
      const mismatches = checkExpectations(result, test.expect);
      out.push({ test, passed: mismatches.length === 0, mismatches, result, signals });
    } catch (e) {
      const error = e instanceof Error ? `${(e as { code?: string }).code ?? 'ERROR'}: ${e.message}` : String(e);
      out.push({ test, passed: false, mismatches: [{ what: 'request', expected: 'a diagnosis', actual: error }], result: null, error, signals });
    }
  }
  return out;
}
