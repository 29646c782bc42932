import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: plain JavaScript build script without types
import { generate } from '../scripts/gen-types.js';

describe('types generated from the JSON Schemas', () => {
  it('are up to date (run node scripts/gen-types.js after editing schemas/)', async () => {
    const committed = readFileSync(new URL('../src/generated/schema-types.ts', import.meta.url), 'utf8');
    expect(committed).toBe(await generate());
  }, 30_000);
});

describe('precompiled request validator', () => {
  it('is up to date (run node scripts/gen-validators.js after editing schemas/)', async () => {
    // @ts-expect-error: plain JavaScript build script without types
    const { generate: generateValidators } = await import('../scripts/gen-validators.js');
    const committed = readFileSync(new URL('../src/generated/validators.cjs', import.meta.url), 'utf8');
    expect(committed).toBe(generateValidators());
  });
});
