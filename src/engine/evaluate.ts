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
  /** Evidence that raises the cause without being required (CauseDeclaration.hints). */
  readonly hints: readonly ConditionNode[];
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
  const hints = (decl.hints ?? []) as unknown as ConditionNode[];
  return {
    decl,
    conditions: decl.conditions as unknown as ConditionNode,
    hints,
    get engine() {
      if (!engine) {
        engine = new Engine([], { allowUndefinedFacts: true });
        for (const [name, fn] of Object.entries(customOperators)) engine.addOperator(name, fn);
        const rule: RuleProperties = { name: decl.id, conditions: decl.conditions as unknown as TopLevelCondition, event: { type: 'cause', params: { id: decl.id } } };
        engine.addRule(rule);
        // Each hint is a rule of its own, so one run reports the conditions and every hint.
        hints.forEach((hint, i) => {
          const top = (isLeaf(hint) || 'not' in hint ? { all: [hint] } : hint) as unknown as TopLevelCondition;
          engine!.addRule({ name: `${decl.id}#hint${i}`, conditions: top, event: { type: 'hint', params: { id: decl.id, hint: i } } });
        });
      }
      return engine;
    },
  };
}

/** A cause evaluated: its conditions folded, and each hint folded. */
export interface Evaluation {
  readonly folded: Folded;
  readonly hints: readonly Folded[];
}

/** The cause's verdict from its conditions and hints: hints that hold count as held evidence; a gate whose fact is unknown makes held evidence count for nothing. */
export function causeVerdict(conditions: Verdict, hints: readonly Verdict[]): Verdict {
  if (conditions.value === false) return { value: false, held: 0, gated: false };
  const held = conditions.held + hints.filter((h) => h.value === true && h.held > 0).length;
  return { value: conditions.value, held: conditions.gated ? 0 : held, gated: conditions.gated === true };
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
export async function evaluateCause(cause: CompiledCause, facts: FactMap): Promise<Evaluation> {
  const run = await cause.engine.run(facts as Record<string, unknown>);
  const byRule = new Map([...run.results, ...run.failureResults].map((r) => [r.name, r]));
  const foldRule = (name: string, node: ConditionNode, wrapped: boolean): Folded => {
    const leafResults = new Map<string, boolean>();
    const ruleResult = byRule.get(name);
    if (ruleResult) collectLeafResults(ruleResult.conditions, wrapped ? 'wrapped' : 'conditions', leafResults);
    return fold(node, (path, leaf) => {
      if (!known(facts, leaf)) return undefined;
      // json-rules-engine may skip leaves once a priority group decides; evaluate those the same way it would.
      return leafResults.get(wrapped ? `wrapped/all/0${path.slice('conditions'.length)}` : path) ?? evaluateLeaf(leaf, facts);
    });
  };
  return {
    folded: foldRule(cause.decl.id, cause.conditions, false),
    hints: cause.hints.map((hint, i) => foldRule(`${cause.decl.id}#hint${i}`, hint, isLeaf(hint) || 'not' in hint)),
  };
}

/**
 * The verdict (value and evidence count) without the engine and without the explanation: the fast
 * path for hypothetical answers and for causes outside the symptom.
 */
export function verdictDirect(cause: CompiledCause, facts: FactMap): Verdict {
  const leaf = (l: LeafCondition) => (known(facts, l) ? evaluateLeaf(l, facts) : undefined);
  const conditions = verdict(cause.conditions, leaf);
  return causeVerdict(conditions, cause.hints.length === 0 ? [] : cause.hints.map((h) => verdict(h, leaf)));
}

export function evaluateLeaf(leaf: LeafCondition, facts: FactMap): Tri {
  const ref = referencedFact(leaf.value);
  const compareTo = ref === undefined ? leaf.value : facts[ref];
  const op = allOperators[leaf.operator];
  return op ? op(facts[leaf.fact], compareTo) : undefined;
}

export { isLeaf };
