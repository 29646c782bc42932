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
