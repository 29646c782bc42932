import { describe, expect, it } from 'vitest';
import { coerceFactValue } from '../../src/facts/coerce.ts';
import { loadKnowledgeBase } from '../../src/engine/knowledge-base.ts';

const facts = loadKnowledgeBase().data.facts;
const coerce = (fact: string, raw: unknown) => coerceFactValue(facts.get(fact)!, raw);

describe('coercing what people type into the declared type', () => {
  it.each([
    ['twoFactorEnabled', 'yes', true],
    ['twoFactorEnabled', 'Ja', true],
    ['twoFactorEnabled', 'nein', false],
    ['twoFactorEnabled', 'TRUE', true],
    ['twoFactorEnabled', 0, false],
    ['httpStatus', '401', 401],
    ['httpStatus', 401, 401],
    ['serverVersion', '14.02.0247.005', '14.2.247.5'],
    ['platform', 'Exchange-Online', 'exchange-online'],
    ['authSchemes', 'ntlm, negotiate', ['NTLM', 'Negotiate']],
    ['authSchemes', ['Basic'], ['Basic']],
  ])('%s %j → %j', (fact, raw, value) => {
    expect(coerce(fact, raw)).toEqual({ ok: true, value });
  });

  it.each([
    ['twoFactorEnabled', 'maybe'],
    ['httpStatus', '4o1'],
    ['httpStatus', 99],
    ['httpStatus', 1e21],
    ['httpStatus', 401.5],
    ['serverVersion', 'Exchange2010_SP2'],
    ['platform', 'cloud'],
    ['authSchemes', ['Basic', 'Kerberos5']],
    ['url', { href: 'x' }],
    ['url', 'x'.repeat(5000)],
    ['authSchemes', Array.from({ length: 1000 }, () => 'Basic')],
  ])('%s %j is refused with what was expected', (fact, raw) => {
    const r = coerce(fact, raw);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.expected.length).toBeGreaterThan(0);
  });
});
