import fc from 'fast-check';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { loadKnowledgeBase } from '../../src/engine/knowledge-base.ts';
import { acceptedInRequest, coerceFactValue } from '../../src/facts/coerce.ts';
import type { FactDeclaration } from '../../src/generated/schema-types.ts';
import { factValueSchema, integerTextPattern } from '../../src/server/openapi-kb.ts';

/** The published schema of each fact against the coercion it describes: valid exactly when accepted. */
const ajv = new Ajv2020({ strict: false });
const kb = loadKnowledgeBase();
const accepted = (decl: FactDeclaration, raw: unknown) => acceptedInRequest(decl, raw);

const near = (decl: FactDeclaration): fc.Arbitrary<unknown> => {
  const words = [...(decl.options ?? []).map((o) => String(o.value)), 'ja', 'NEIN', ' true ', 'Oui', 'j', 'y', '1', '0', '2', 'x', ''];
  const text = fc.oneof(
    fc.constantFrom(...words),
    fc.constantFrom(...words).map((w) => ` ${w.toUpperCase()}\t`),
    fc.stringMatching(/^\s?-?0{0,3}\d{1,4}\s?$/),
    fc.stringMatching(/^\d{1,5}(\.\d{1,6}){0,4}$/),
    fc.constantFrom('Version 14.3 (Build 123.4)', 'version 14.3(build 1.2)', 'Version 14.3 (Build 123.4', '15.1.2507.6 ', 'Exchange2010_SP2'),
    fc.constantFrom(...words).chain((a) => fc.constantFrom(...words).map((b) => `${a},${b};`)),
    fc.string({ maxLength: 12 }),
    fc.constantFrom('a'.repeat(2048), 'a'.repeat(2049), '😀'.repeat(2048), ` ${'a'.repeat(2048)}`),
  );
  return fc.oneof(text, fc.integer({ min: -1000, max: 1000 }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.array(fc.oneof(text, fc.integer()), { maxLength: 4 }), fc.constant(Array.from({ length: 501 }, () => 'Basic')));
};

describe('the published value schema of every input fact', () => {
  for (const decl of [...kb.data.facts.values()].filter((f) => f.source !== 'derived')) {
    it(`${decl.id} (${decl.type}${decl.options ? ', options' : ''}): valid exactly when the server accepts it`, () => {
      const validate = ajv.compile({ ...factValueSchema(decl), $defs: undefined });
      fc.assert(
        fc.property(near(decl), (raw) => {
          expect(validate(raw), JSON.stringify(raw)).toBe(accepted(decl, raw));
        }),
        { numRuns: 300 },
      );
    });
  }
});

describe('integerTextPattern', () => {
  it('matches exactly the texts coerce reads as a whole number in the range', () => {
    fc.assert(
      fc.property(fc.integer({ min: -2000, max: 2000 }), fc.integer({ min: 0, max: 3000 }), fc.stringMatching(/^\s?-?0{0,3}\d{1,5}\s?$/), (min, span, text) => {
        const decl = { id: 'n', type: 'integer', source: 'asked', cost: 'user', min, max: min + span, description: { en: '', de: '' } } as unknown as FactDeclaration;
        const re = new RegExp(integerTextPattern(min, min + span), 'u');
        expect(re.test(text), `${text} in ${min}…${min + span}`).toBe(coerceFactValue(decl, text).ok);
      }),
      { numRuns: 2000 },
    );
  });
});
