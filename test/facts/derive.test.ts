import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { loadKnowledgeBase } from '../../src/engine/knowledge-base.ts';
import { deriveFacts, setFactInPlace, withFact } from '../../src/facts/derive.ts';
import type { FactValue } from '../../src/generated/schema-types.ts';

const kb = loadKnowledgeBase(undefined, { cacheSize: 0 });
const catalogue = kb.data.facts;
const answers: Record<string, FactValue[]> = {};
for (const f of catalogue.values()) {
  if (f.source === 'derived') continue;
  const values = f.type === 'boolean' ? [true, false] : f.options ? f.options.map((o) => o.value) : (f.examples ?? []);
  if (values.length > 0) answers[f.id] = values as FactValue[];
}
const names = Object.keys(answers);
const baseArb = fc
  .dictionary(fc.constantFrom(...names), fc.constant(null), { maxKeys: 8 })
  .chain((keys) => fc.record(Object.fromEntries(Object.keys(keys).map((k) => [k, fc.constantFrom(...answers[k]!)]))))
  .map((base) => base as Record<string, FactValue>);
const answerArb = fc.constantFrom(...names).chain((fact) => fc.record({ fact: fc.constant(fact), value: fc.constantFrom(...answers[fact]!) }));

describe('simulating an answer in place', () => {
  test.prop([baseArb, fc.array(answerArb, { minLength: 1, maxLength: 4 })], { numRuns: 300 })('gives the facts withFact gives, and takes them all back', (base, steps) => {
    const all = { ...base, ...deriveFacts(catalogue.values(), base) };
    const scratch: Record<string, FactValue> = { ...all };
    for (const { fact, value } of steps) {
      const undo = setFactInPlace(catalogue, scratch, fact, value);
      expect(scratch).toEqual(withFact(catalogue, all, fact, value));
      undo();
      expect(scratch).toEqual(all);
      expect(Object.keys(scratch).sort()).toEqual(Object.keys(all).sort());
    }
  });
});
