import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { KbError } from '../../src/engine/errors.ts';
import { validateAgainst } from '../../src/kb/schema-validator.ts';
import { inlineProjectSchema, inlineWithProjectRefs } from '../../src/mcp/schema-inline.ts';
import { argumentChecker, toolDefinitions } from '../../src/mcp/tools.ts';

const requests: unknown[] = [
  {},
  { message: 'Nicht autorisiert', lang: 'de' },
  { message: 'x', facts: { url: 'https://mail.example.com/owa', twoFactorEnabled: true, authSchemes: ['NTLM'] } },
  { message: 42 },
  { lang: 'fr' },
  { symptom: 'Not An Id' },
  { facts: { a: { nested: true } } },
  { facts: 'url=x' },
  { unknown: 1 },
  { message: 'x'.repeat(20_001) },
  { observed: { httpStatus: 401 } },
];

describe('self-contained tool schemas', () => {
  it('inline every $ref of the request schema and accept exactly what the project validator accepts', () => {
    const inlined = inlineProjectSchema('diagnose-request');
    const text = JSON.stringify(inlined);
    expect(text).not.toContain('$ref');
    expect(text).not.toContain('$schema');
    expect(text).not.toContain('$defs');
    // A draft-07 validator (what the SDK's client uses by default) reads it the same way.
    const draft07 = new Ajv({ strict: false }).compile(inlined);
    for (const request of requests) {
      expect(draft07(request), JSON.stringify(request).slice(0, 80)).toBe(validateAgainst('diagnose-request', request).length === 0);
    }
  });

  it('keep a $ref sibling description and combine a constraining sibling with allOf', () => {
    const schemas = {
      'common.schema.json': { $id: 'https://x/common.schema.json', $defs: { id: { type: 'string', description: 'generic', pattern: '^[a-z]+$' } } },
    };
    const out = inlineWithProjectRefs(
      {
        type: 'object',
        properties: {
          a: { $ref: 'common.schema.json#/$defs/id', description: 'specific' },
          b: { $ref: 'common.schema.json#/$defs/id', pattern: '^b' },
          c: { $ref: 'https://x/common.schema.json#/$defs/id' },
          $ref: { type: 'string' },
        },
      },
      schemas,
    );
    const props = out['properties'] as Record<string, Record<string, unknown>>;
    expect(props['a']).toEqual({ type: 'string', description: 'specific', pattern: '^[a-z]+$' });
    expect(props['b']).toEqual({ allOf: [{ type: 'string', description: 'generic', pattern: '^[a-z]+$' }], pattern: '^b' });
    expect(props['c']!['pattern']).toBe('^[a-z]+$');
    // A property that happens to be called "$ref" is a name, not a keyword.
    expect(props['$ref']).toEqual({ type: 'string' });
  });

  it('refuse a recursive or dangling $ref', () => {
    expect(() => inlineWithProjectRefs({ $defs: { n: { items: { $ref: '#/$defs/n' } } }, $ref: '#/$defs/n' }, {})).toThrow(/recursive/);
    expect(() => inlineWithProjectRefs({ $ref: 'missing.schema.json#/$defs/x' }, {})).toThrow(/unknown schema/);
    expect(() => inlineWithProjectRefs({ $ref: '#/$defs/none' }, {})).toThrow(/nothing at/);
  });

  it('check tool arguments with the code REQUEST_INVALID and the field at fault', () => {
    const guidance = toolDefinitions().find((d) => d.name === 'get_guidance')!;
    const check = argumentChecker(guidance.inputSchema);
    expect(() => check({ id: 'unauthorized', lang: 'de', facts: { url: 'https://x' } })).not.toThrow();
    const failure = (args: unknown): KbError => {
      try {
        check(args);
      } catch (error) {
        if (error instanceof KbError) return error;
        throw error;
      }
      throw new Error(`accepted ${JSON.stringify(args)}`);
    };
    expect(failure({ lang: 'de' })).toMatchObject({ code: 'REQUEST_INVALID', field: 'id' });
    expect(failure({ id: 'unauthorized', lang: 'fr' })).toMatchObject({ field: 'lang', message: expect.stringContaining('"de", "en"') });
    expect(failure({ id: 'unauthorized', lang: 'de', facts: { url: { a: 1 } } })).toMatchObject({ field: 'facts.url' });
    expect(failure({ id: 'unauthorized', lang: 'de', fcts: {} })).toMatchObject({ field: 'fcts', message: expect.stringContaining('Did you mean "facts"?') });
    expect(failure(null)).toMatchObject({ code: 'REQUEST_INVALID' });
  });
});
