/**
 * The parts of the OpenAPI document that depend on the knowledge base being served: symptom and cause
 * ids, fact names, and for each input fact exactly the values the server accepts for it (the
 * coercion of src/facts/coerce.ts written as JSON Schema), so that a request the published schema
 * allows is never refused, and one it refuses never accepted.
 */
import { forbiddenKeys } from '../engine/json-guard.ts';
import type { CompiledKnowledgeBase } from '../engine/knowledge-base.ts';
import { booleanWords, maxFactLength, maxListItems } from '../facts/coerce.ts';
import type { FactDeclaration } from '../generated/schema-types.ts';
import type { Json, JsonObject } from './openapi-bundle.ts';

/** Escapes what is syntax in a pattern; valid with ajv's `u` flag, which refuses needless escapes such as `\-`. */
const escapeRegex = (s: string) => s.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
const escapeInClass = (s: string) => s.replace(/[\\\]^-]/g, '\\$&');

/** A character class matching what lower-cases to the same as `c` (String#toLowerCase, as coerce compares). */
function caseless(c: string): string {
  const lower = c.toLowerCase();
  const chars = new Set([c, lower, c.toUpperCase(), ...(lower === 'k' ? ['\u212A'] : []), ...(lower === 'ß' ? ['\u1E9E'] : [])]);
  const same = [...chars].filter((x) => x.length === 1 && x.toLowerCase() === lower);
  return same.length === 1 ? escapeRegex(same[0]!) : `[${same.map(escapeInClass).join('')}]`;
}

/** Words matched case-insensitively as one alternation (no inline flags: JSON Schema patterns are plain ECMA-262). */
const wordsPattern = (words: readonly string[]) => `(?:${[...words].sort((a, b) => b.length - a.length).map((w) => [...w].map(caseless).join('')).join('|')})`;

/** Same-length digit strings lo ≤ hi: a pattern for every number between them. */
function digitsBetween(lo: string, hi: string): string {
  if (lo === hi) return lo;
  const n = lo.length - 1;
  const [l, h] = [Number(lo[0]), Number(hi[0])];
  if (/^0*$/.test(lo.slice(1)) && /^9*$/.test(hi.slice(1))) return `${l === h ? l : `[${l}-${h}]`}${n > 0 ? `\\d{${n}}` : ''}`;
  if (l === h) return `${l}${digitsBetween(lo.slice(1), hi.slice(1))}`;
  const parts = [`${l}(?:${digitsBetween(lo.slice(1), '9'.repeat(n))})`];
  if (h - l > 1) parts.push(`[${l + 1}-${h - 1}]\\d{${n}}`);
  parts.push(`${h}(?:${digitsBetween('0'.repeat(n), hi.slice(1))})`);
  return `(?:${parts.join('|')})`;
}

/** Digit strings (leading zeros allowed, at most `maxDigits` digits in all) of the numbers lo…hi, lo ≥ 0. */
function naturalsBetween(lo: number, hi: number, maxDigits: number): string[] {
  const out: string[] = [];
  for (let len = String(lo).length; len <= String(hi).length; len++) {
    const from = Math.max(lo, len === 1 ? 0 : 10 ** (len - 1));
    const to = Math.min(hi, 10 ** len - 1);
    if (from > to) continue;
    out.push(`0{0,${maxDigits - len}}${digitsBetween(String(from), String(to))}`);
  }
  return out;
}

/**
 * The texts coerce reads as a whole number in [min, max]: optional spaces, an optional minus, 1–15
 * digits (leading zeros allowed), the value within the range (`-0` is 0).
 */
export function integerTextPattern(min: number | undefined, max: number | undefined): string {
  const limit = 10 ** 15 - 1;
  const lo = Math.max(min ?? -limit, -limit);
  const hi = Math.min(max ?? limit, limit);
  const alternatives: string[] = [];
  if (hi >= 0) alternatives.push(...naturalsBetween(Math.max(lo, 0), hi, 15));
  if (lo <= 0 && hi >= 0) alternatives.push('-0{1,15}');
  if (lo < 0) alternatives.push(...naturalsBetween(Math.max(1, -Math.min(hi, -1)), -lo, 15).map((p) => `-${p}`));
  return `^\\s*(?:${alternatives.join('|')})\\s*$`;
}

const versionPattern = '^\\s*(?:[Vv][Ee][Rr][Ss][Ii][Oo][Nn]\\s+\\d{1,5}\\.\\d{1,5}\\s*\\([Bb][Uu][Ii][Ll][Dd]\\s+\\d{1,6}\\.\\d{1,6}\\)|\\d{1,5}(?:\\.\\d{1,6}){1,3})\\s*$';

/** An empty text: the server skips it for any fact (a form field left empty). */
const empty: JsonObject = { const: '' };

/** For a fact with aliases: any text, read as a name (an unknown one gives a warning, not a refusal). */
function namesOf(decl: FactDeclaration): JsonObject[] {
  if (!decl.aliases) return [];
  const examples = decl.aliases.slice(0, 4).map((a) => a.names[0]!);
  return [{ type: 'string', maxLength: maxFactLength, description: 'a name people use, such as a release name; one the knowledge base does not know gives the warning FACT_NOT_RECOGNISED and the fact stays unknown', examples }];
}

/** Exactly the values the server accepts for one input fact. */
export function factValueSchema(decl: FactDeclaration): JsonObject {
  const about = { description: decl.description.en };
  switch (decl.type) {
    case 'boolean':
      return {
        ...about,
        anyOf: [
          { type: 'boolean' },
          { enum: [0, 1] },
          { type: 'string', pattern: `^\\s*${wordsPattern([...booleanWords.yes, ...booleanWords.no])}\\s*$`, description: 'yes/no words: true, ja, nein, …' },
          empty,
        ],
      };
    case 'integer':
      return {
        ...about,
        anyOf: [
          { type: 'integer', ...(decl.min !== undefined ? { minimum: decl.min } : {}), ...(decl.max !== undefined ? { maximum: decl.max } : {}) },
          { type: 'string', pattern: integerTextPattern(decl.min, decl.max), description: 'the number as text' },
          empty,
        ],
      };
    case 'version':
      return { ...about, anyOf: [{ type: 'string', maxLength: 100, pattern: versionPattern, examples: ['14.2.247.5', 'Version 14.3 (Build 123.4)'] }, ...namesOf(decl), empty] };
    case 'url':
    case 'string': {
      if (!decl.options) return { ...about, anyOf: [{ type: 'string', maxLength: maxFactLength }, { type: 'number' }] };
      const values = decl.options.map((o) => String(o.value));
      return { ...about, anyOf: [{ type: 'string', maxLength: maxFactLength, pattern: `^\\s*${wordsPattern(values)}\\s*$`, examples: values }, ...namesOf(decl), empty] };
    }
    case 'string-list': {
      const one = decl.options ? `(?:${wordsPattern(decl.options.map((o) => String(o.value)))}\\s*)?` : null;
      const item: JsonObject = one ? { type: 'string', pattern: `^\\s*${one}$` } : { type: 'string' };
      // As text: items separated by , or ; (at most maxListItems of them), each blank or an option.
      const text = one ? `^\\s*${one}(?:[,;]\\s*${one}){0,${maxListItems - 1}}$` : `^[^,;]*(?:[,;][^,;]*){0,${maxListItems - 1}}$`;
      return { ...about, anyOf: [{ type: 'array', maxItems: maxListItems, items: item }, { type: 'string', pattern: text }] };
    }
  }
}

/** The request's `facts` and `observed` for this knowledge base: every input fact with its values; other names are ignored with a warning. */
export function inputFactsSchema(kb: CompiledKnowledgeBase): JsonObject {
  const inputs = [...kb.data.facts.values()].filter((f) => f.source !== 'derived');
  return {
    title: 'InputFacts',
    type: 'object',
    description:
      'Facts by catalogue name (GET /v1/facts). Each value as its type allows: booleans also as 0/1 or yes/no words, numbers also as text, lists also as text separated by commas. ' +
      'Other names, derived facts included, are ignored with a warning (FACT_UNKNOWN, FACT_DERIVED).',
    // As everywhere in a request: keys that could reach a prototype are refused (FORBIDDEN_KEY).
    propertyNames: { maxLength: 100, not: { enum: [...forbiddenKeys] } },
    properties: Object.fromEntries(inputs.map((f) => [f.id, factValueSchema(f)])),
    additionalProperties: { $ref: '#/components/schemas/FactValue' },
  };
}

export const symptomIds = (kb: CompiledKnowledgeBase): string[] => kb.data.symptoms.map((s) => s.id);
export const causeIds = (kb: CompiledKnowledgeBase): string[] => kb.data.causes.map((c) => c.id);

/** Feedback names a cause of the symptom (or no symptom): one branch per symptom with its causes. */
export function feedbackPairs(kb: CompiledKnowledgeBase): Json[] {
  const branches: Json[] = [{ properties: { symptom: { type: 'null' } } }];
  for (const s of kb.data.symptoms) {
    const causes = (kb.bySymptom.get(s.id) ?? []).map((c) => c.decl.id);
    if (causes.length > 0) branches.push({ required: ['symptom'], properties: { symptom: { const: s.id }, cause: { enum: causes } } });
  }
  return branches;
}
