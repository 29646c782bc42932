import { Engine, type RuleProperties, type TopLevelCondition } from 'json-rules-engine';
import type { FactValue } from '../generated/schema-types.ts';
import { allOperators, customOperators } from '../facts/operators.ts';
import type { CauseDeclaration } from '../kb/model.ts';
import { type ConditionNode, type Folded, fold, isLeaf, type LeafCondition, type Tri, type Verdict, verdict } from './three-valued.ts';

export type FactMap = Readonly<Record<string, FactValue>>;

/** A cause with its json-rules-engine rule. */
export interface CompiledCause {
  readonly decl: CauseDeclaration;
  readonly conditions: ConditionNode;
  /** Built on first use and kept for the life of the knowledge base (never per call). */
  readonly engine: Engine;
}

/**
 * One engine per cause, so a diagnosis runs only the causes that matter for it. The engine is built
 * the first time the cause is evaluated: a knowledge base of 10,000 causes loads without building
 * 10,000 engines, most of which a process may never need.
 */
export function compileCause(decl: CauseDeclaration): CompiledCause {
  let engine: Engine | undefined;
  return {
    decl,
    conditions: decl.conditions as unknown as ConditionNode,
    get engine() {
      if (!engine) {
        engine = new Engine([], { allowUndefinedFacts: true });
        for (const [name, fn] of Object.entries(customOperators)) engine.addOperator(name, fn);
        const rule: RuleProperties = { name: decl.id, conditions: decl.conditions as unknown as TopLevelCondition, event: { type: 'cause', params: { id: decl.id } } };
        engine.addRule(rule);
      }
      return engine;
    },
  };
}

function referencedFact(value: unknown): string | undefined {
  const v = value as { fact?: unknown } | null;
  return v && typeof v === 'object' && !Array.isArray(v) && typeof v.fact === 'string' ? v.fact : undefined;
}

function known(facts: FactMap, leaf: LeafCondition): boolean {
  const ref = referencedFact(leaf.value);
  return Object.hasOwn(facts, leaf.fact) && (ref === undefined || Object.hasOwn(facts, ref));
}

/** Each leaf's result as json-rules-engine reported it, by path (`conditions/any/0`). */
function collectLeafResults(node: unknown, path: string, out: Map<string, boolean>): void {
  const n = node as Record<string, unknown>;
  if ('fact' in n) {
    if (typeof n['result'] === 'boolean') out.set(path, n['result']);
    return;
  }
  if (n['not']) collectLeafResults(n['not'], `${path}/not`, out);
  for (const op of ['all', 'any'] as const) {
    const list = n[op];
    if (Array.isArray(list)) list.forEach((c, i) => collectLeafResults(c, `${path}/${op}/${i}`, out));
  }
}

/**
 * Evaluates a cause with json-rules-engine and folds its leaf results in three-valued logic:
 * a leaf whose fact is not known is unknown, whatever the operator made of `undefined`.
 */
export async function evaluateCause(cause: CompiledCause, facts: FactMap): Promise<Folded> {
  const run = await cause.engine.run(facts as Record<string, unknown>);
  const ruleResult = run.results[0] ?? run.failureResults[0];
  const leafResults = new Map<string, boolean>();
  if (ruleResult) collectLeafResults(ruleResult.conditions, 'conditions', leafResults);
  return fold(cause.conditions, (path, leaf) => {
    if (!known(facts, leaf)) return undefined;
    // json-rules-engine may skip leaves once a priority group decides; evaluate those the same way it would.
    return leafResults.get(path) ?? evaluateLeaf(leaf, facts);
  });
}

/**
 * The verdict (value and evidence count) without the engine and without the explanation: the fast
 * path for hypothetical answers and for causes outside the symptom.
 */
export function verdictDirect(cause: CompiledCause, facts: FactMap): Verdict {
  return verdict(cause.conditions, (leaf) => (known(facts, leaf) ? evaluateLeaf(leaf, facts) : undefined));
}

export function evaluateLeaf(leaf: LeafCondition, facts: FactMap): Tri {
  const ref = referencedFact(leaf.value);
  const compareTo = ref === undefined ? leaf.value : facts[ref];
  const op = allOperators[leaf.operator];
  return op ? op(facts[leaf.fact], compareTo) : undefined;
}

export { isLeaf };
