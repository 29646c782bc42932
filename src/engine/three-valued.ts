/** true, false, or undefined for unknown (Kleene's strong three-valued logic). */
export type Tri = boolean | undefined;

export interface LeafCondition {
  readonly fact: string;
  readonly operator: string;
  readonly value: unknown;
  /** The value to assume when the fact is not known; assumed values are never evidence. */
  readonly ifUnknown?: boolean;
  /** While this leaf's fact is unknown, the cause's other evidence does not count. */
  readonly gate?: boolean;
}

export type ConditionNode =
  | { readonly all: readonly ConditionNode[] }
  | { readonly any: readonly ConditionNode[] }
  | { readonly not: ConditionNode }
  | LeafCondition;

/** An atomic part of a condition as a person reads it: a leaf, or a `not` over something. */
export interface Unit {
  /** Path of the node inside the cause's conditions, e.g. `conditions/any/1/all/0`. */
  readonly path: string;
  readonly node: LeafCondition | { readonly not: ConditionNode };
  readonly state: Tri;
  /**
   * Whether a true state speaks for the cause: not for `not` units (a counter-indication being absent
   * is no evidence), not for assumed values, and not inside a part of the condition that failed.
   */
  readonly evidence: boolean;
  /** False inside a part of the condition that failed (what held there explains nothing). */
  readonly live: boolean;
}

export interface Folded {
  readonly value: Tri;
  /** A gate leaf's fact is not known: the held evidence does not count yet. */
  readonly gated: boolean;
  /** Every unit with its state. */
  readonly units: readonly Unit[];
  /** The units that decide the value (for true/false) or could still change it (for unknown). */
  readonly decisive: readonly Unit[];
}

export const and = (values: readonly Tri[]): Tri => (values.includes(false) ? false : values.includes(undefined) ? undefined : true);
export const or = (values: readonly Tri[]): Tri => (values.includes(true) ? true : values.includes(undefined) ? undefined : false);
export const not = (v: Tri): Tri => (v === undefined ? undefined : !v);

export function isLeaf(node: ConditionNode): node is LeafCondition {
  return 'fact' in node;
}

/**
 * Folds a condition tree in three-valued logic: `leaf(path, node)` gives each leaf's value (undefined
 * when its fact is not known). A condition on a fact nobody gave is unknown, not false.
 */
export function fold(node: ConditionNode, leaf: (path: string, node: LeafCondition) => Tri, path = 'conditions'): Folded {
  if (isLeaf(node)) return foldedLeaf(node, path, leaf(path, node));
  if ('not' in node) return foldedNot(node, path, fold(node.not, leaf, `${path}/not`));
  // Loops rather than map/filter/flatMap: this runs for every node of every relevant cause.
  const isAll = 'all' in node;
  const op = isAll ? 'all' : 'any';
  const list = isAll ? node.all : node.any;
  const children: Folded[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) children[i] = fold(list[i]!, leaf, `${path}/${op}/${i}`);
  return combine(isAll, children);
}

/** A leaf as observed (or not known, then as its `ifUnknown` assumes). */
function foldedLeaf(node: LeafCondition, path: string, observed: Tri): Folded {
  const assumed = observed === undefined && node.ifUnknown !== undefined;
  // `ifUnknown: true` marks an exclusion: passing it, observed or assumed, is no evidence for the cause.
  const unit: Unit = { path, node, state: assumed ? node.ifUnknown : observed, evidence: !assumed && node.ifUnknown !== true, live: true };
  return { value: unit.state, gated: node.gate === true && observed === undefined && !assumed, units: [unit], decisive: [unit] };
}

/** A `not` over its folded inner condition: one unit, never evidence (a precondition). */
function foldedNot(node: { readonly not: ConditionNode }, path: string, inner: Folded): Folded {
  const unit: Unit = { path, node, state: not(inner.value), evidence: false, live: true };
  return { value: unit.state, gated: inner.gated, units: [unit], decisive: [unit] };
}

/** An `all` or `any` of folded parts, in three values, with the units that decide it. */
function combine(isAll: boolean, children: readonly Folded[]): Folded {
  let sawFalse = false;
  let sawUnknown = false;
  let sawTrue = false;
  let gated = false;
  for (const child of children) {
    if (child.value === false) sawFalse = true;
    else if (child.value === undefined) sawUnknown = true;
    else sawTrue = true;
    if (child.gated) gated = true;
  }
  // Kleene: all is false once a part is false, any true once a part is true; unknown else if a part is.
  const value: Tri = isAll ? (sawFalse ? false : sawUnknown ? undefined : true) : sawTrue ? true : sawUnknown ? undefined : false;
  // The units that decide: for unknown those still unknown; for a decided value the parts that decide it
  // (every part when all of them had to agree).
  const every = isAll ? value === true : value === false;
  const decisive: Unit[] = [];
  const units: Unit[] = [];
  for (const c of children) {
    if (every || c.value === value) for (const u of c.decisive) decisive.push(u);
    // Evidence inside a failed `all` explains nothing about this cause (another part ruled it out).
    for (const u of c.units) units.push(value === false ? { path: u.path, node: u.node, state: u.state, evidence: false, live: false } : u);
  }
  return { value, gated, units, decisive };
}

/** A condition tree compiled for folding: `fold` with its node kinds and paths worked out once. */
export type CompiledFold<T = undefined> = (leaf: (node: LeafCondition, prepared: T) => Tri) => Folded;

/**
 * Compiles `node` so that folding it gives what `fold(node, (_path, l) => leaf(l, prepare(l)), path)`
 * gives (a test compares them); `prepare` runs once per leaf at compile time (what the leaf callback
 * needs of it, without a lookup per call).
 */
export function compileFold<T = undefined>(node: ConditionNode, prepare: (leaf: LeafCondition) => T = () => undefined as T, path = 'conditions'): CompiledFold<T> {
  if (isLeaf(node)) {
    const prepared = prepare(node);
    return (leaf) => foldedLeaf(node, path, leaf(node, prepared));
  }
  if ('not' in node) {
    const inner = compileFold(node.not, prepare, `${path}/not`);
    return (leaf) => foldedNot(node, path, inner(leaf));
  }
  const isAll = 'all' in node;
  const op = isAll ? 'all' : 'any';
  const parts = (isAll ? node.all : node.any).map((child, i) => compileFold(child, prepare, `${path}/${op}/${i}`));
  return (leaf) => {
    const children: Folded[] = new Array(parts.length);
    for (let i = 0; i < parts.length; i++) children[i] = parts[i]!(leaf);
    return combine(isAll, children);
  };
}

/** Every fact a condition reads, including facts compared by reference (`value: {fact: x}`). */
export function factsOf(node: ConditionNode): string[] {
  if (isLeaf(node)) {
    const v = node.value as { fact?: unknown } | null;
    return v && typeof v === 'object' && !Array.isArray(v) && typeof v.fact === 'string' ? [node.fact, v.fact] : [node.fact];
  }
  if ('not' in node) return factsOf(node.not);
  return ('all' in node ? node.all : node.any).flatMap(factsOf);
}

/** Value and count of live evidence, as `fold` would give them, without collecting units (hot path). */
export interface Verdict {
  readonly value: Tri;
  /** Leaves that held, count as evidence and are not inside a failed part. */
  readonly held: number;
  /** A gate leaf's fact is not known (see LeafCondition.gate). */
  readonly gated?: boolean;
}

/**
 * The same three-valued fold as `fold`, reduced to what ranking needs. Used when simulating answers
 * for the next question, where it runs thousands of times per diagnosis.
 */
export function verdict(node: ConditionNode, leaf: (node: LeafCondition) => Tri): Verdict {
  if (isLeaf(node)) {
    const observed = leaf(node);
    if (observed === undefined && node.ifUnknown !== undefined) return { value: node.ifUnknown, held: 0, gated: false };
    return { value: observed, held: observed === true && node.ifUnknown !== true ? 1 : 0, gated: node.gate === true && observed === undefined };
  }
  if ('not' in node) {
    const inner = verdict(node.not, leaf);
    return { value: not(inner.value), held: 0, gated: inner.gated === true };
  }
  const isAll = 'all' in node;
  let sawUnknown = false;
  let decided = false;
  let held = 0;
  let gated = false;
  for (const child of isAll ? node.all : node.any) {
    const v = verdict(child, leaf);
    held += v.held;
    if (v.gated) gated = true;
    if (v.value === undefined) sawUnknown = true;
    else if (v.value === !isAll) decided = true;
  }
  const value: Tri = decided ? !isAll : sawUnknown ? undefined : isAll;
  return { value, held: value === false ? 0 : held, gated };
}

/**
 * Facts that must all be known for the condition to hold (an `any` needs only what every branch
 * needs; a leaf with `ifUnknown` needs nothing). A cause whose required facts are not all known
 * cannot be confirmed, so it need not be evaluated when only confirmed causes matter.
 */
export function requiredFacts(node: ConditionNode): Set<string> {
  if (isLeaf(node)) return node.ifUnknown !== undefined ? new Set() : new Set(factsOf(node));
  if ('not' in node) return requiredFacts(node.not);
  const sets = ('all' in node ? node.all : node.any).map(requiredFacts);
  if ('all' in node) return new Set(sets.flatMap((s) => [...s]));
  const [first, ...rest] = sets;
  return new Set([...(first ?? [])].filter((f) => rest.every((s) => s.has(f))));
}
