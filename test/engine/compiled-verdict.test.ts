import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { causeVerdict, compileCause, evaluateCause, evaluateLeaf, LeafRules, verdictDirect } from '../../src/engine/evaluate.ts';
import { verdictOf } from '../../src/engine/rank.ts';
import { compileFold, type ConditionNode, fold, type LeafCondition, type Tri, verdict } from '../../src/engine/three-valued.ts';
import type { CauseDeclaration } from '../../src/kb/model.ts';

// Random condition trees over three facts, with every kind of leaf the knowledge base writes:
// plain, assumed when unknown (ifUnknown true/false), gates, comparisons by reference, nested not/all/any.
const leafArb: fc.Arbitrary<LeafCondition> = fc
  .record({
    fact: fc.constantFrom('a', 'b', 'c'),
    // As lint allows them: `in` with a list, equal/notEqual with a value or another fact.
    comparison: fc.constantFrom<[string, unknown]>(['equal', true], ['equal', false], ['equal', 1], ['notEqual', 2], ['notEqual', true], ['equal', { fact: 'c' }], ['in', [1, 2]], ['in', [true]]),
    ifUnknown: fc.constantFrom(undefined, true, false),
    gate: fc.constantFrom(undefined, true),
  })
  .map(({ comparison: [operator, value], ifUnknown, gate, fact }) => ({ fact, operator, value, ...(ifUnknown === undefined ? {} : { ifUnknown }), ...(gate === undefined ? {} : { gate }) }));
const { tree } = fc.letrec<{ tree: ConditionNode }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafArb,
    fc.record({ not: tie('tree') }),
    fc.record({ all: fc.array(tie('tree'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ any: fc.array(tie('tree'), { minLength: 1, maxLength: 3 }) }),
  ),
}));
const factsArb = fc.record({ a: fc.constantFrom(true, false, 1, 2), b: fc.constantFrom(true, false, 1, 2), c: fc.constantFrom(true, false, 1, 2) }, { requiredKeys: [] });

describe('the compiled verdict', () => {
  test.prop([tree, fc.array(tree, { maxLength: 2 }), factsArb], { numRuns: 400 })('equals the generic fold and json-rules-engine on random conditions', async (conditions, hints, facts) => {
    const decl = { id: 'x', symptoms: [], layer: 'auth', prior: 0.5, conditions, ...(hints.length ? { hints } : {}) } as unknown as CauseDeclaration;
    const cause = compileCause(decl, new LeafRules());
    const leaf = (l: LeafCondition) => {
      const ref = (l.value as { fact?: string } | null)?.fact;
      return Object.hasOwn(facts, l.fact) && (typeof ref !== 'string' || Object.hasOwn(facts, ref)) ? evaluateLeaf(l, facts) : undefined;
    };
    const generic = causeVerdict(verdict(conditions, leaf), hints.map((h) => verdict(h, leaf)));
    expect(verdictDirect(cause, facts)).toEqual(generic);
    expect(verdictDirect(cause, facts)).toEqual(verdictOf(await evaluateCause(cause, facts)));
  });
});

describe('the compiled fold', () => {
  const stateArb = fc.dictionary(fc.constantFrom('a', 'b', 'c'), fc.constantFrom<Tri>(true, false, undefined));
  test.prop([tree, stateArb], { numRuns: 400 })('equals fold: value, gate, units with their paths, decisive units', (node, states) => {
    const leaf = (l: LeafCondition) => states[l.fact];
    const compiled = compileFold(node)(leaf);
    const generic = fold(node, (_path, l) => leaf(l));
    expect(compiled).toEqual(generic);
    // Which decisive units are the very units listed (an explanation of a ruled-out cause asks).
    const same = (f: typeof generic) => f.decisive.map((d) => f.units.includes(d));
    expect(same(compiled)).toEqual(same(generic));
  });
});
