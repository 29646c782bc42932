import fc from 'fast-check';

/**
 * Values generated from a JSON Schema of the OpenAPI document, as Schemathesis does: `valid` stays
 * inside the schema (as far as this generator understands it), `mixed` also breaks it at random
 * places (wrong types, values out of range or enum, a required key dropped, an unknown key added).
 * The test never trusts the generator's intent: ajv decides whether a value is valid.
 */
export type Schema = Record<string, unknown>;
export type Mode = 'valid' | 'mixed';

export class SchemaArbitraries {
  readonly #components: Record<string, Schema>;

  constructor(components: Record<string, Schema>) {
    this.#components = components;
  }

  of(schema: Schema, mode: Mode, depth = 0): fc.Arbitrary<unknown> {
    const valid = this.#valid(this.#deref(schema), mode, depth);
    if (mode === 'valid' || depth > 6) return valid;
    return fc.oneof({ weight: 4, arbitrary: valid }, { weight: 1, arbitrary: wrong(this.#deref(schema), this) });
  }

  #deref(schema: Schema): Schema {
    let s = schema;
    for (let i = 0; i < 10 && typeof s['$ref'] === 'string'; i++) {
      const { $ref, ...rest } = s;
      const target = this.#components[String($ref).replace('#/components/schemas/', '')];
      if (!target) throw new Error(`no component for ${String($ref)}`);
      s = { ...target, ...rest };
    }
    return s;
  }

  #valid(schema: Schema, mode: Mode, depth: number): fc.Arbitrary<unknown> {
    if ('const' in schema) return fc.constant(schema['const']);
    if (Array.isArray(schema['enum'])) return fc.constantFrom(...(schema['enum'] as unknown[]));
    const branches = (schema['anyOf'] ?? schema['oneOf']) as Schema[] | undefined;
    if (branches) {
      const { anyOf: _a, oneOf: _o, ...base } = schema;
      // An object with anyOf beside its properties (feedback's symptom/cause pairs): each branch merged in.
      const merged = branches.map((b) => (base['properties'] || base['type'] ? mergeObject(base, this.#deref(b)) : this.#deref(b)));
      return fc.oneof(...merged.map((b) => this.of(b, mode, depth + 1)));
    }
    const type = schema['type'];
    if (Array.isArray(type)) return fc.oneof(...type.map((t) => this.#valid({ ...schema, type: t }, mode, depth)));
    switch (type) {
      case 'null':
        return fc.constant(null);
      case 'boolean':
        return fc.boolean();
      case 'integer':
        return fc.integer({ min: Number(schema['minimum'] ?? -1e6), max: Number(schema['maximum'] ?? 1e6) });
      case 'number':
        return fc.oneof(fc.integer({ min: -1e6, max: 1e6 }), fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }));
      case 'string':
        return stringOf(schema);
      case 'array': {
        const max = Math.min(Number(schema['maxItems'] ?? 4), 4);
        const items = (schema['items'] as Schema | undefined) ?? {};
        return fc.array(this.of(items, mode, depth + 1), { minLength: Number(schema['minItems'] ?? 0), maxLength: max });
      }
      case 'object':
        return this.#object(schema, mode, depth);
      default:
        return fc.jsonValue({ maxDepth: 2 });
    }
  }

  #object(schema: Schema, mode: Mode, depth: number): fc.Arbitrary<unknown> {
    const props = (schema['properties'] ?? {}) as Record<string, Schema>;
    const required = new Set((schema['required'] as string[] | undefined) ?? []);
    const optional = Object.keys(props).filter((k) => !required.has(k));
    const extra = schema['additionalProperties'];
    const extras =
      extra === false || mode === 'valid'
        ? fc.constant({})
        : fc.dictionary(fc.string({ maxLength: 12 }), extra && typeof extra === 'object' ? this.of(extra as Schema, mode, depth + 1) : fc.jsonValue({ maxDepth: 1 }), { maxKeys: 2 });
    // A few of the optional keys at a time: a request with every fact known is rare and slow to check.
    return fc.tuple(fc.shuffledSubarray(optional, { maxLength: Math.min(4, optional.length) }), extras).chain(([keys, more]) => {
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      for (const k of [...required, ...keys]) model[k] = this.of(props[k]!, mode, depth + 1);
      return fc.record(model).map((v) => ({ ...(more as object), ...v }));
    });
  }
}

function mergeObject(base: Schema, branch: Schema): Schema {
  const props = { ...(base['properties'] as object), ...(branch['properties'] as object) };
  const required = [...new Set([...((base['required'] as string[]) ?? []), ...((branch['required'] as string[]) ?? [])])];
  return { ...base, ...branch, properties: props, required };
}

function stringOf(schema: Schema): fc.Arbitrary<string> {
  const max = schema['maxLength'] as number | undefined;
  const pattern = schema['pattern'] as string | undefined;
  const examples = (schema['examples'] as string[] | undefined) ?? [];
  const options: fc.Arbitrary<string>[] = [];
  if (pattern) options.push(fc.stringMatching(new RegExp(pattern)));
  else {
    options.push(fc.string({ maxLength: Math.min(max ?? 40, 40) }), fc.string({ unit: 'binary', maxLength: Math.min(max ?? 20, 20) }));
    // At the limit, counted in code points: ASCII and emoji.
    if (max !== undefined && max > 40) options.push(fc.constantFrom('x'.repeat(max), '😀'.repeat(max), ` ${'a'.repeat(max - 2)} `));
  }
  if (examples.length > 0) options.push(fc.constantFrom(...examples));
  return fc.oneof(...options);
}

/** Values that break the schema at this node (or happen not to: ajv decides). */
function wrong(schema: Schema, arbitraries: SchemaArbitraries): fc.Arbitrary<unknown> {
  const options: fc.Arbitrary<unknown>[] = [fc.constant(null), fc.boolean(), fc.integer(), fc.double(), fc.string({ maxLength: 8 }), fc.constant([]), fc.constant({ x: 1 })];
  const enumValues = (schema['enum'] as unknown[] | undefined) ?? ('const' in schema ? [schema['const']] : []);
  if (enumValues.length > 0) options.push(fc.constantFrom(...enumValues).map((v) => (typeof v === 'string' ? `${v}x` : v === null ? 'null' : String(v))));
  if (schema['type'] === 'integer' || schema['type'] === 'number') {
    if (typeof schema['minimum'] === 'number') options.push(fc.constant(schema['minimum'] - 1));
    if (typeof schema['maximum'] === 'number') options.push(fc.constant(schema['maximum'] + 1));
    options.push(fc.constant(1.5), fc.constant('12'));
  }
  if (typeof schema['maxLength'] === 'number') options.push(fc.constant('y'.repeat(schema['maxLength'] + 1)));
  if (typeof schema['maxItems'] === 'number') options.push(fc.constant(Array.from({ length: schema['maxItems'] + 1 }, () => 'a')));
  if (schema['type'] === 'object' && schema['properties']) {
    const required = (schema['required'] as string[] | undefined) ?? [];
    const whole = arbitraries.of(schema, 'valid');
    if (required.length > 0) options.push(whole.map((v) => Object.fromEntries(Object.entries(v as object).filter(([k]) => k !== required[0]))));
    if (schema['additionalProperties'] === false) options.push(whole.map((v) => ({ ...(v as object), unexpectedField: 1 })));
  }
  return fc.oneof(...options);
}
