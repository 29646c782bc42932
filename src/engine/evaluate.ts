import { Engine, Fact, type TopLevelCondition } from 'json-rules-engine';
import type { FactValue } from '../generated/schema-types.ts';
import { allOperators, customOperators } from '../facts/operators.ts';
import type { CauseDeclaration } from '../kb/model.ts';
import { type CompiledFold, compileFold, type ConditionNode, type Folded, isLeaf, type LeafCondition, type Tri, type Verdict } from './three-valued.ts';

export type FactMap = Readonly<Record<string, FactValue>>;

/** A cause with its conditions and hints, evaluated through the knowledge base's leaf rules. */
export interface CompiledCause {
  readonly decl: CauseDeclaration;
  readonly conditions: ConditionNode;
  /** Evidence that raises the cause without being required (CauseDeclaration.hints). */
  readonly hints: readonly ConditionNode[];
  /** The json-rules-engine rules of the knowledge base, one per distinct condition on one fact. */
  readonly rules: LeafRules;
  /** Facts the leaves of its conditions and hints compare (not those compared by reference). */
  readonly leafFacts: readonly string[];
  /** Its conditions and each hint compiled for folding. */
  readonly folds: { readonly conditions: CompiledFold<LeafRule>; readonly hints: readonly CompiledFold<LeafRule>[] };
  /** Its verdict evaluated directly, packed in a number (see verdictDirect, unpackVerdict): equal numbers, equal verdicts. */
  readonly verdict: (facts: FactMap) => number;
}

export function compileCause(decl: CauseDeclaration, rules: LeafRules): CompiledCause {
  const conditions = decl.conditions as unknown as ConditionNode;
  const hints = (decl.hints ?? []) as unknown as ConditionNode[];
  const leafFacts = new Set<string>();
  for (const node of [conditions, ...hints]) for (const leaf of leavesOf(node)) leafFacts.add(rules.add(leaf).fact);
  const rule = (leaf: LeafCondition) => rules.add(leaf);
  return { decl, conditions, hints, rules, leafFacts: [...leafFacts], folds: { conditions: compileFold(conditions, rule), hints: hints.map((h) => compileFold(h, rule)) }, verdict: compileCauseVerdict(conditions, hints) };
}

function leavesOf(node: ConditionNode, out: LeafCondition[] = []): LeafCondition[] {
  if (isLeaf(node)) out.push(node);
  else if ('not' in node) leavesOf(node.not, out);
  else for (const child of 'all' in node ? node.all : node.any) leavesOf(child, out);
  return out;
}

/** A distinct leaf condition (fact, operator, value), decided by json-rules-engine. */
export interface LeafRule {
  readonly id: number;
  readonly fact: string;
  /** The fact compared by reference (`value: { fact: x }`), if any. */
  readonly ref: string | undefined;
  readonly condition: Record<string, unknown>;
}

/** The leaf conditions on one fact, and idle engines holding them as one rule (one run at a time each). */
interface FactEngines {
  readonly fact: string;
  readonly leaves: LeafRule[];
  /** Facts its leaves compare with by reference. */
  readonly refs: Set<string>;
  idle: Engine[];
}

/** A condition as json-rules-engine reports it after a run: the result of each part. */
interface EvaluatedCondition {
  readonly result?: boolean;
  readonly any?: readonly EvaluatedCondition[];
}

/**
 * json-rules-engine, driven once per knowledge base: the distinct leaf conditions of every cause and
 * hint on one fact are one rule (`any` of them: json-rules-engine evaluates every condition of a
 * priority and reports each one's result), in an engine of that fact. A diagnosis runs, for each
 * known fact the relevant causes read, that fact's engine once; the reported results are the leaf
 * values the three-valued fold combines. A leaf on a fact nobody gave is unknown whatever an engine
 * would make of `undefined`, so it is not run. Engines are built on first use of their fact and
 * reused; a run holds its engine (json-rules-engine keeps the run's state on the engine), so
 * concurrent diagnoses take other engines from the pool.
 */
export class LeafRules {
  readonly #byKey = new Map<string, LeafRule>();
  readonly #byNode = new Map<LeafCondition, LeafRule>();
  readonly #byFact = new Map<string, FactEngines>();

  /** Registers a leaf of a cause's conditions; the same condition elsewhere shares its rule. */
  add(leaf: LeafCondition): LeafRule {
    const known = this.#byNode.get(leaf);
    if (known) return known;
    const key = JSON.stringify([leaf.fact, leaf.operator, leaf.value]);
    let rule = this.#byKey.get(key);
    if (!rule) {
      rule = { id: this.#byKey.size, fact: leaf.fact, ref: referencedFact(leaf.value), condition: { fact: leaf.fact, operator: leaf.operator, value: leaf.value } };
      this.#byKey.set(key, rule);
      let group = this.#byFact.get(leaf.fact);
      if (!group) {
        group = { fact: leaf.fact, leaves: [], refs: new Set(), idle: [] };
        this.#byFact.set(leaf.fact, group);
      }
      group.leaves.push(rule);
      if (rule.ref !== undefined) group.refs.add(rule.ref);
      // Engines built before hold the rule without this leaf.
      group.idle = [];
    }
    this.#byNode.set(leaf, rule);
    return rule;
  }

  /** The id of a registered leaf (results are indexed by it). */
  idOf(leaf: LeafCondition): number | undefined {
    return this.#byNode.get(leaf)?.id;
  }


  /**
   * Runs json-rules-engine for each of `onFacts` that is known in `facts`: one run of that fact's
   * engine with the fact and the facts its leaves compare with. Returns each leaf's result by id.
   */
  async run(facts: FactMap, onFacts: Iterable<string>): Promise<Map<number, boolean>> {
    const results = new Map<number, boolean>();
    const runs: Promise<void>[] = [];
    for (const fact of onFacts) {
      const group = Object.hasOwn(facts, fact) ? this.#byFact.get(fact) : undefined;
      if (group) runs.push(runGroup(group, facts, results));
    }
    await Promise.all(runs);
    return results;
  }
}

async function runGroup(group: FactEngines, facts: FactMap, results: Map<number, boolean>): Promise<void> {
  const engine = group.idle.pop() ?? buildEngine(group);
  // Facts as constant Facts without json-rules-engine's cache: each is read once per run, and the cache key would be a hash per fact.
  const input: Record<string, Fact> = { [group.fact]: new Fact(group.fact, facts[group.fact], { cache: false }) };
  for (const ref of group.refs) if (Object.hasOwn(facts, ref)) input[ref] = new Fact(ref, facts[ref], { cache: false });
  const run = await engine.run(input);
  group.idle.push(engine);
  const reported = ((run.results[0] ?? run.failureResults[0])?.conditions as EvaluatedCondition | undefined)?.any ?? [];
  group.leaves.forEach((leaf, i) => {
    const result = reported[i]?.result;
    if (typeof result === 'boolean') results.set(leaf.id, result);
  });
}

function buildEngine(group: FactEngines): Engine {
  const engine = new Engine([], { allowUndefinedFacts: true });
  for (const [name, fn] of Object.entries(customOperators)) engine.addOperator(name, fn);
  engine.addRule({ name: group.fact, conditions: { any: group.leaves.map((l) => l.condition) } as unknown as TopLevelCondition, event: { type: 'leaves' } });
  return engine;
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

/** Folds a cause's conditions and hints from json-rules-engine's leaf results (`results` by leaf id). */
export function foldCause(cause: CompiledCause, facts: FactMap, results: ReadonlyMap<number, boolean>): Evaluation {
  const leaf = (_l: LeafCondition, rule: LeafRule): Tri =>
    Object.hasOwn(facts, rule.fact) && (rule.ref === undefined || Object.hasOwn(facts, rule.ref)) ? results.get(rule.id) : undefined;
  return { folded: cause.folds.conditions(leaf), hints: cause.folds.hints.map((hint) => hint(leaf)) };
}

/**
 * Evaluates causes with json-rules-engine (one run per known fact they read, see LeafRules) and folds
 * each in three-valued logic: a leaf whose fact is not known is unknown.
 */
export async function evaluateCauses(causes: readonly CompiledCause[], facts: FactMap): Promise<Evaluation[]> {
  if (causes.length === 0) return [];
  const onFacts = new Set<string>();
  for (const c of causes) for (const f of c.leafFacts) onFacts.add(f);
  const results = await causes[0]!.rules.run(facts, onFacts);
  return causes.map((c) => foldCause(c, facts, results));
}

/** One cause evaluated with json-rules-engine and folded (see evaluateCauses). */
export async function evaluateCause(cause: CompiledCause, facts: FactMap): Promise<Evaluation> {
  return (await evaluateCauses([cause], facts))[0]!;
}

/**
 * The verdict (value and evidence count) without the engine and without the explanation: the fast
 * path for hypothetical answers and for causes outside the symptom.
 */
export function verdictDirect(cause: CompiledCause, facts: FactMap): Verdict {
  return unpackVerdict(cause.verdict(facts));
}

/**
 * A condition tree compiled to a function giving `verdict`'s answer, packed in a number so that the
 * thousands of calls per diagnosis allocate nothing: bits 0–1 the value (0 false, 1 true, 2 unknown),
 * bit 2 gated, the rest the held count. Same rules as `verdict` in three-valued.ts (a test compares them).
 */
type Packed = (facts: FactMap) => number;

const UNKNOWN = 2;
const GATED = 4;
const HELD = 8;
const valueOf = (p: number): Tri => ((p & 3) === UNKNOWN ? undefined : (p & 3) === 1);

function compileVerdict(node: ConditionNode): Packed {
  if (isLeaf(node)) {
    const { fact, value, ifUnknown } = node;
    const ref = referencedFact(value);
    const op = allOperators[node.operator];
    // A leaf on an unknown fact: its assumed value if it has one, else unknown (gated when it is a gate).
    const unknown = ifUnknown !== undefined ? (ifUnknown ? 1 : 0) : UNKNOWN | (node.gate === true ? GATED : 0);
    const heldWhenTrue = ifUnknown !== true ? HELD : 0;
    return (facts) => {
      if (!Object.hasOwn(facts, fact) || (ref !== undefined && !Object.hasOwn(facts, ref))) return unknown;
      const observed = op ? op(facts[fact], ref === undefined ? value : facts[ref]) : undefined;
      if (observed === undefined) return unknown;
      return observed === true ? 1 | heldWhenTrue : 0;
    };
  }
  if ('not' in node) {
    const inner = compileVerdict(node.not);
    return (facts) => {
      const p = inner(facts);
      const v = p & 3;
      return (v === UNKNOWN ? UNKNOWN : v === 1 ? 0 : 1) | (p & GATED);
    };
  }
  const isAll = 'all' in node;
  const children = (isAll ? node.all : node.any).map(compileVerdict);
  const decides = isAll ? 0 : 1;
  return (facts) => {
    let sawUnknown = false;
    let decided = false;
    let held = 0;
    let gated = 0;
    for (const child of children) {
      const p = child(facts);
      held += p >> 3;
      gated |= p & GATED;
      const v = p & 3;
      if (v === UNKNOWN) sawUnknown = true;
      else if (v === decides) decided = true;
    }
    const value = decided ? decides : sawUnknown ? UNKNOWN : isAll ? 1 : 0;
    return value | gated | (value === 0 ? 0 : held * HELD);
  };
}

/** The verdict of a cause's conditions and hints (causeVerdict over `verdict`), compiled once per cause, packed. */
function compileCauseVerdict(conditions: ConditionNode, hints: readonly ConditionNode[]): (facts: FactMap) => number {
  const main = compileVerdict(conditions);
  const extra = hints.map(compileVerdict);
  return (facts) => {
    const p = main(facts);
    if ((p & 3) === 0) return 0;
    if ((p & GATED) !== 0) return (p & 3) | GATED;
    let held = p >> 3;
    for (const h of extra) {
      const q = h(facts);
      if ((q & 3) === 1 && q >> 3 > 0) held++;
    }
    return (p & 3) | (held * HELD);
  };
}

/** A packed cause verdict (see compileVerdict) as a Verdict. */
export function unpackVerdict(p: number): Verdict {
  return { value: valueOf(p), held: p >> 3, gated: (p & GATED) !== 0 };
}

export function evaluateLeaf(leaf: LeafCondition, facts: FactMap): Tri {
  const ref = referencedFact(leaf.value);
  const compareTo = ref === undefined ? leaf.value : facts[ref];
  const op = allOperators[leaf.operator];
  return op ? op(facts[leaf.fact], compareTo) : undefined;
}

export { isLeaf };
