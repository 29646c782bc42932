import type { ErrorObject } from 'ajv';
import { type Lang, t } from '../i18n/index.ts';
import { closest } from './_closest.ts';
import { pointerToPath } from './yaml-source.ts';

export interface SchemaProblem {
  /** Path of the value at fault, as YAML/JSON keys and indexes. */
  readonly path: (string | number)[];
  /** Set when the fault is an unknown key: point at the key, not the value. */
  readonly key?: string;
  readonly message: string;
}

/** Turns ajv's errors (compiled with `verbose: true`) into one worded problem per place. */
export function humanize(errors: readonly ErrorObject[], data: unknown, lang: Lang): SchemaProblem[] {
  return humanizeErrors(errors, data, lang);
}

function valueAt(data: unknown, path: (string | number)[]): unknown {
  let v: unknown = data;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[p];
  }
  return v;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'object') return 'mapping';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/**
 * `causes[3] (mailbox-quota-exceeded).prior`: a list item is named by its id (or a test by its
 * name) as well as its index, so the writer finds it without counting.
 */
function describePath(path: (string | number)[], data: unknown): string {
  if (path.length === 0) return '(top level)';
  return path
    .map((p, i) => {
      if (typeof p !== 'number') return i === 0 ? p : `.${p}`;
      const item = valueAt(data, path.slice(0, i + 1)) as Record<string, unknown> | undefined;
      const name = item && typeof item === 'object' ? (item['id'] ?? item['name']) : undefined;
      return typeof name === 'string' && name !== '' ? `[${p}] (${name.length > 60 ? `${name.slice(0, 59)}…` : name})` : `[${p}]`;
    })
    .join('');
}

const combinators = new Set(['oneOf', 'anyOf', 'if', 'not']);

function humanizeErrors(errors: readonly ErrorObject[], data: unknown, lang: Lang): SchemaProblem[] {
  // Errors below a oneOf/anyOf are the branches' complaints; keep the one most specific per path.
  const byPath = new Map<string, ErrorObject[]>();
  for (const e of errors) {
    const list = byPath.get(e.instancePath) ?? [];
    list.push(e);
    byPath.set(e.instancePath, list);
  }
  const problems: SchemaProblem[] = [];
  for (const [pointer, list] of byPath) {
    const deeper = [...byPath.keys()].some((p) => p !== pointer && p.startsWith(`${pointer}/`));
    const plain = list.filter((e) => !combinators.has(e.keyword));
    const chosen = plain.length > 0 ? plain : deeper ? [] : list.slice(0, 1);
    // Several `type` errors at one path come from oneOf branches: merge them into one.
    const types = chosen.filter((e) => e.keyword === 'type');
    const rest = chosen.filter((e) => e.keyword !== 'type');
    const merged = types.length > 0 ? [{ ...types[0]!, params: { type: types.map((e) => e.params['type']).join(' or ') } }] : [];
    for (const e of [...rest, ...merged]) problems.push(toProblem(e, data, lang));
  }
  return problems;
}

function toProblem(e: ErrorObject, data: unknown, lang: Lang): SchemaProblem {
  const path = pointerToPath(e.instancePath);
  const where = describePath(path, data);
  const value = valueAt(data, path);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return { path, message: t(lang, 'schema.required', { where, prop: String(p['missingProperty']) }) };
    case 'additionalProperties': {
      const prop = String(p['additionalProperty']);
      const allowed = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const hint = closest(prop, allowed);
      return {
        path,
        key: prop,
        message: t(lang, hint ? 'schema.unknownKeyHint' : 'schema.unknownKey', {
          where,
          prop,
          hint: hint ?? '',
          allowed: allowed.join(', '),
        }),
      };
    }
    case 'type':
      return { path, message: t(lang, 'schema.type', { where, expected: String(p['type']), actual: typeName(value) }) };
    case 'enum': {
      const allowed = (p['allowedValues'] as unknown[]).map(String);
      const hint = typeof value === 'string' ? closest(value, allowed) : undefined;
      return {
        path,
        message: t(lang, hint ? 'schema.enumHint' : 'schema.enum', {
          where,
          value: JSON.stringify(value),
          allowed: allowed.join(', '),
          hint: hint ?? '',
        }),
      };
    }
    case 'pattern': {
      const description = (e.parentSchema as { description?: string } | undefined)?.description ?? e.schema;
      return { path, message: t(lang, 'schema.pattern', { where, value: JSON.stringify(value), expected: String(description) }) };
    }
    case 'minItems':
    case 'minLength':
      return { path, message: t(lang, 'schema.empty', { where }) };
    case 'maxLength':
      return { path, message: t(lang, 'schema.tooLong', { where, limit: Number(p['limit']) }) };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return {
        path,
        message: t(lang, 'schema.range', { where, value: JSON.stringify(value), comparison: String(p['comparison']), limit: Number(p['limit']) }),
      };
    default:
      return { path, message: t(lang, 'schema.other', { where, detail: e.message ?? e.keyword }) };
  }
}
