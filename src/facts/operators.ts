import { certificateCoversHost } from './hostname.ts';
import { compareVersions, parseVersion } from './version.ts';

/** A comparison of a fact value with a condition value; false when either is missing or of another type. */
export type OperatorFn = (factValue: unknown, conditionValue: unknown) => boolean;

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** json-rules-engine's built-in operators, mirrored so hypothetical answers can be evaluated without a run. */
export const builtinOperators: Readonly<Record<string, OperatorFn>> = {
  equal: (a, b) => a === b,
  notEqual: (a, b) => a !== b,
  in: (a, b) => Array.isArray(b) && b.includes(a),
  notIn: (a, b) => Array.isArray(b) && !b.includes(a),
  contains: (a, b) => Array.isArray(a) && a.includes(b),
  doesNotContain: (a, b) => Array.isArray(a) && !a.includes(b),
  lessThan: (a, b) => isNum(a) && isNum(b) && a < b,
  lessThanInclusive: (a, b) => isNum(a) && isNum(b) && a <= b,
  greaterThan: (a, b) => isNum(a) && isNum(b) && a > b,
  greaterThanInclusive: (a, b) => isNum(a) && isNum(b) && a >= b,
};

function versions(a: unknown, b: unknown): number | null {
  const va = parseVersion(a);
  const vb = parseVersion(b);
  return va && vb ? compareVersions(va, vb) : null;
}

const regexCache = new Map<string, RegExp | null>();
function cachedRegex(source: string): RegExp | null {
  if (!regexCache.has(source)) {
    try {
      regexCache.set(source, new RegExp(source, 'i'));
    } catch {
      regexCache.set(source, null);
    }
  }
  return regexCache.get(source) ?? null;
}

/** The custom operators the engine registers; rules/kb.yaml declares which ones a knowledge base uses. */
export const customOperators: Readonly<Record<string, OperatorFn>> = {
  versionAtLeast: (a, b) => (versions(a, b) ?? -1) >= 0,
  versionBelow: (a, b) => (versions(a, b) ?? 1) < 0,
  matchesRegex: (a, b) => typeof a === 'string' && typeof b === 'string' && (cachedRegex(b)?.test(a.slice(0, 4096)) ?? false),
  coversHost: (a, b) => Array.isArray(a) && typeof b === 'string' && certificateCoversHost(a.map(String), undefined, b),
};

export const allOperators: Readonly<Record<string, OperatorFn>> = { ...builtinOperators, ...customOperators };

/** Which fact types each built-in operator fits. */
export const builtinOperatorTypes: Readonly<Record<string, { factTypes: readonly string[]; value: 'same' | 'list' | 'item' | 'number' }>> = {
  equal: { factTypes: ['boolean', 'integer', 'string', 'version', 'url'], value: 'same' },
  notEqual: { factTypes: ['boolean', 'integer', 'string', 'version', 'url'], value: 'same' },
  in: { factTypes: ['integer', 'string', 'version', 'url'], value: 'list' },
  notIn: { factTypes: ['integer', 'string', 'version', 'url'], value: 'list' },
  contains: { factTypes: ['string-list'], value: 'item' },
  doesNotContain: { factTypes: ['string-list'], value: 'item' },
  lessThan: { factTypes: ['integer'], value: 'number' },
  lessThanInclusive: { factTypes: ['integer'], value: 'number' },
  greaterThan: { factTypes: ['integer'], value: 'number' },
  greaterThanInclusive: { factTypes: ['integer'], value: 'number' },
};
