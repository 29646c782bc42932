import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { evaluateCause, verdictDirect } from '../../src/engine/evaluate.ts';
import { verdictOf } from '../../src/engine/rank.ts';
import { loadKnowledgeBase } from '../../src/engine/knowledge-base.ts';
import { and, type ConditionNode, fold, not, or, requiredFacts, type Tri } from '../../src/engine/three-valued.ts';
import { deriveFacts } from '../../src/facts/derive.ts';

const T = true;
const F = false;
const U = undefined;

describe('Kleene three-valued logic', () => {
  it.each([
    [[T, T], T, T],
    [[T, F], F, T],
    [[T, U], U, T],
    [[F, U], F, U],
    [[U, U], U, U],
    [[F, F], F, F],
    [[], T, F],
  ] as [Tri[], Tri, Tri][])('and/or of %j', (values, all, any) => {
    expect(and(values)).toBe(all);
    expect(or(values)).toBe(any);
  });

  it('not keeps unknown unknown', () => {
    expect(not(U)).toBe(U);
    expect(not(T)).toBe(F);
    expect(not(F)).toBe(T);
  });
});

describe('folding a condition tree', () => {
  const leaf = (fact: string) => ({ fact, operator: 'equal', value: true });
  const tree: ConditionNode = { any: [leaf('a'), { all: [leaf('b'), { not: leaf('c') }] }] };
  const run = (values: Record<string, Tri>) => fold(tree, (_p, l) => values[l.fact]);

  it('an unknown fact leaves the result unknown, not false', () => {
    expect(run({}).value).toBe(U);
    expect(run({ a: F }).value).toBe(U);
  });
  it('decides as soon as the known facts decide', () => {
    expect(run({ a: T }).value).toBe(T);
    expect(run({ a: F, b: F }).value).toBe(F);
    expect(run({ a: F, b: T, c: F }).value).toBe(T);
    expect(run({ a: F, b: T, c: T }).value).toBe(F);
  });
  it('names the units that decide', () => {
    expect(run({ a: T }).decisive.map((u) => u.path)).toEqual(['conditions/any/0']);
    expect(run({ a: F }).decisive.map((u) => u.path)).toEqual(['conditions/any/1/all/0', 'conditions/any/1/all/1']);
    expect(run({ a: F, b: T, c: T }).decisive.map((u) => u.path).sort()).toEqual(['conditions/any/0', 'conditions/any/1/all/1']);
  });
  it('marks not-units as no evidence for a cause', () => {
    const units = run({ a: F, b: T, c: F }).units;
    expect(units.find((u) => u.path.endsWith('all/1'))?.evidence).toBe(false);
    expect(units.find((u) => u.path.endsWith('all/0'))?.evidence).toBe(true);
  });

  const tri = fc.constantFrom<Tri>(T, F, U);
  test.prop({ a: tri, b: tri, c: tri })('is monotone: learning a fact never flips a decided value', ({ a, b, c }) => {
    const before = run({ a, b, c }).value;
    for (const [name, value] of [['a', a], ['b', b], ['c', c]] as const) {
      if (value !== U) continue;
      for (const learned of [T, F]) {
        const after = run({ a, b, c, [name]: learned }).value;
        if (before !== U) expect(after).toBe(before);
      }
    }
  });
});

describe('facts a cause needs before it can be confirmed', () => {
  const leaf = (fact: string, ifUnknown?: boolean) => ({ fact, operator: 'equal', value: true, ...(ifUnknown === undefined ? {} : { ifUnknown }) });
  it('all needs every part, any only what every branch needs, an assumed leaf nothing', () => {
    expect([...requiredFacts({ all: [leaf('a'), leaf('b')] })].sort()).toEqual(['a', 'b']);
    expect([...requiredFacts({ any: [{ all: [leaf('a'), leaf('b')] }, leaf('a')] })]).toEqual(['a']);
    expect([...requiredFacts({ all: [leaf('a'), leaf('c', true)] })]).toEqual(['a']);
    expect([...requiredFacts({ not: leaf('d') })]).toEqual(['d']);
  });
});

describe('json-rules-engine and the direct evaluation agree', () => {
  const kb = loadKnowledgeBase();
  const answers: Record<string, unknown[]> = {};
  for (const f of kb.data.facts.values()) {
    if (f.source === 'derived') continue;
    answers[f.id] = f.type === 'boolean' ? [true, false] : f.options ? f.options.map((o) => o.value) : (f.examples ?? []);
  }
  const factArb = fc.dictionary(
    fc.constantFrom(...Object.keys(answers).filter((k) => answers[k]!.length > 0)),
    fc.constant(null),
    { maxKeys: 8 },
  ).chain((keys) => fc.record(Object.fromEntries(Object.keys(keys).map((k) => [k, fc.constantFrom(...answers[k]!)]))));
  test.prop([factArb], { numRuns: 150 })('for every cause on random facts', async (base) => {
    const facts = { ...(base as Record<string, never>), ...deriveFacts(kb.data.facts.values(), base as Record<string, never>) };
    for (const cause of kb.causes.values()) {
      const viaEngine = await evaluateCause(cause, facts);
      expect(verdictDirect(cause, facts).value).toBe(viaEngine.folded.value);
      // The fast verdict used for question simulation gives the same value and evidence count.
      expect(verdictDirect(cause, facts)).toEqual(verdictOf(viaEngine));
    }
  });
});
