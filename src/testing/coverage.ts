import { type CompiledKnowledgeBase } from '../engine/knowledge-base.ts';
import { evaluateLeaf } from '../engine/evaluate.ts';
import { type ConditionNode, and, isLeaf, not, or, type Tri } from '../engine/three-valued.ts';
import type { SourceLocation } from '../kb/model.ts';
import type { CaseResult } from './runner.ts';

export interface CoverageItem {
  readonly id: string;
  readonly covered: boolean;
  /** What is missing, e.g. "never ruled out" or "never true". */
  readonly missing: string[];
  readonly location: SourceLocation | undefined;
}

export interface CoverageReport {
  readonly causes: CoverageItem[];
  readonly conditions: CoverageItem[];
  readonly signals: CoverageItem[];
  /** Percentages, 0–100. */
  readonly percent: { readonly causes: number; readonly conditions: number; readonly signals: number };
}

/** Value of every node of a condition tree (path → value), for branch coverage. */
function nodeValues(node: ConditionNode, facts: Record<string, never>, path: string, out: Map<string, Tri>): Tri {
  let value: Tri;
  if (isLeaf(node)) {
    const ref = node.value as { fact?: string } | null;
    const refFact = ref && typeof ref === 'object' && !Array.isArray(ref) ? ref.fact : undefined;
    value = Object.hasOwn(facts, node.fact) && (refFact === undefined || Object.hasOwn(facts, refFact)) ? evaluateLeaf(node, facts) : node.ifUnknown;
  } else if ('not' in node) {
    value = not(nodeValues(node.not, facts, `${path}/not`, out));
  } else {
    const op = 'all' in node ? 'all' : 'any';
    const values = ('all' in node ? node.all : node.any).map((c, i) => nodeValues(c, facts, `${path}/${op}/${i}`, out));
    value = (op === 'all' ? and : or)(values);
  }
  out.set(path, value);
  return value;
}

const pct = (items: CoverageItem[]) => (items.length === 0 ? 100 : Math.round((1000 * items.filter((i) => i.covered).length) / items.length) / 10);

/**
 * What the cases exercised: each cause confirmed and ruled out at least once; each condition node
 * (every branch of all/any/not and every leaf) true once and false once; each signal matched once.
 */
export function measureCoverage(kb: CompiledKnowledgeBase, results: readonly CaseResult[]): CoverageReport {
  const confirmed = new Set<string>();
  const ruledOut = new Set<string>();
  const seen = new Map<string, Set<Tri>>();
  const fired = new Set<string>();
  for (const r of results) {
    for (const s of r.signals) fired.add(s);
    if (!r.result) continue;
    for (const c of r.result.causes) {
      if (c.status === 'confirmed') confirmed.add(c.id);
      if (c.status === 'ruled-out') ruledOut.add(c.id);
      const values = new Map<string, Tri>();
      nodeValues(kb.causes.get(c.id)!.conditions, r.result.facts as Record<string, never>, 'conditions', values);
      for (const [path, v] of values) {
        const key = `cause:${c.id}/${path}`;
        if (!seen.has(key)) seen.set(key, new Set());
        seen.get(key)!.add(v);
      }
    }
  }
  const loc = (key: string) => kb.data.locations.get(key);
  const causes = kb.data.causes.map((c) => {
    const missing = [...(confirmed.has(c.id) ? [] : ['never confirmed']), ...(ruledOut.has(c.id) ? [] : ['never ruled out'])];
    return { id: c.id, covered: missing.length === 0, missing, location: loc(`cause:${c.id}`) };
  });
  const conditions: CoverageItem[] = [];
  for (const key of kb.data.locations.keys()) {
    if (!/^cause:[^/]+\/conditions/.test(key)) continue;
    const values = seen.get(key) ?? new Set<Tri>();
    const missing = [...(values.has(true) ? [] : ['never true']), ...(values.has(false) ? [] : ['never false'])];
    conditions.push({ id: key.slice('cause:'.length), covered: missing.length === 0, missing, location: loc(key) });
  }
  const signals = kb.data.signals.map((s) => ({ id: s.id, covered: fired.has(s.id), missing: fired.has(s.id) ? [] : ['never matched'], location: loc(`signal:${s.id}`) }));
  return { causes, conditions, signals, percent: { causes: pct(causes), conditions: pct(conditions), signals: pct(signals) } };
}
