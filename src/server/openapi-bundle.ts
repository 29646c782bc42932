/**
 * Bundles the project's JSON Schemas (which refer to each other by `$id`: `common.schema.json#/$defs/id`)
 * into one OpenAPI document's `components.schemas`, every reference local (`#/components/schemas/Id`),
 * so that tools which do not resolve `$id` (Redocly, most code generators) read the document whole.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** Keywords whose value maps names to subschemas: the names are data, never `$ref`/`$id`. */
const nameMaps = new Set(['properties', 'patternProperties', 'dependentSchemas']);
/** Keywords whose value is data, never a schema. */
const dataKeywords = new Set(['enum', 'const', 'default', 'examples', 'required']);

const pascal = (s: string) => s.replace(/(^|[-_\s])([a-zA-Z0-9])/g, (_m, _d, c: string) => c.toUpperCase()).replace(/[^A-Za-z0-9]/g, '');

/** The name of a whole schema file in the document: its file name in PascalCase (diagnose-request → DiagnoseRequest). */
export function componentName(id: string): string {
  return pascal(id.slice(id.lastIndexOf('/') + 1).replace(/\.schema\.json$|\.json$/, ''));
}

const decodePointerPart = (p: string) => decodeURIComponent(p).replace(/~1/g, '/').replace(/~0/g, '~');

interface Target {
  readonly id: string;
  /** '' for the whole schema, or the name of one of its `$defs`. */
  readonly def: string;
}

export class ComponentBundler {
  readonly #byId: ReadonlyMap<string, JsonObject>;
  readonly #names = new Map<string, string>();
  readonly #taken = new Set<string>();
  readonly #queue: Target[] = [];

  constructor(byId: ReadonlyMap<string, JsonObject>) {
    this.#byId = byId;
  }

  /**
   * A deep copy of `node` (a schema found at `base`) with every `$ref` to a registered schema
   * rewritten to its component; `$id`, `$schema` and `$defs` are dropped (the definitions become
   * components of their own, when something refers to them).
   */
  rewrite(node: unknown, base: string): Json {
    if (Array.isArray(node)) return node.map((v) => this.rewrite(v, base));
    if (node === null || typeof node !== 'object') return node as Json;
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
      if (key === '$id' || key === '$schema' || key === '$defs' || key === 'definitions') continue;
      if (key === '$ref' && typeof value === 'string') out[key] = this.#refTo(value, base);
      else if (dataKeywords.has(key)) out[key] = value as Json;
      else if (nameMaps.has(key) && value !== null && typeof value === 'object' && !Array.isArray(value)) {
        out[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, this.rewrite(sub, base)]));
      } else out[key] = this.rewrite(value, base);
    }
    return out;
  }

  /** The components every rewritten schema needs, and the ones those need, by name. */
  components(): Record<string, JsonObject> {
    const out: Record<string, JsonObject> = {};
    while (this.#queue.length > 0) {
      const target = this.#queue.shift()!;
      const name = this.#names.get(key(target))!;
      const schema = this.#byId.get(target.id)!;
      const node = target.def === '' ? schema : (schema['$defs'] as JsonObject)[target.def];
      out[name] = this.rewrite(node, target.id) as JsonObject;
    }
    return out;
  }

  #refTo(ref: string, base: string): string {
    const resolved = new URL(ref, base).href;
    const hash = resolved.indexOf('#');
    const id = hash === -1 ? resolved : resolved.slice(0, hash);
    const pointer = hash === -1 ? '' : resolved.slice(hash + 1);
    const schema = this.#byId.get(id);
    if (!schema) throw new Error(`$ref ${ref} (from ${base}) names no registered schema`);
    const parts = pointer.split('/').slice(1).map(decodePointerPart);
    const defs = schema['$defs'] as JsonObject | undefined;
    const isDef = parts[0] === '$defs' && parts[1] !== undefined && defs !== undefined && Object.hasOwn(defs, parts[1]);
    const target: Target = isDef ? { id, def: parts[1]! } : { id, def: '' };
    const rest = isDef ? parts.slice(2) : parts;
    const name = this.#nameOf(target);
    return `#/components/schemas/${name}${rest.map((p) => `/${p.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('')}`;
  }

  #nameOf(target: Target): string {
    const k = key(target);
    const known = this.#names.get(k);
    if (known) return known;
    const file = componentName(target.id);
    let name = target.def === '' ? file : pascal(target.def);
    if (this.#taken.has(name)) name = `${file}${pascal(target.def)}`;
    for (let n = 2; this.#taken.has(name); n++) name = `${file}${pascal(target.def)}${n}`;
    this.#names.set(k, name);
    this.#taken.add(name);
    this.#queue.push(target);
    return name;
  }
}

const key = (t: Target) => `${t.id}#${t.def}`;

/** Every `#/components/schemas/<name>` a value refers to. */
function refNames(value: unknown, out: Set<string>): Set<string> {
  if (Array.isArray(value)) for (const v of value) refNames(v, out);
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')) out.add(decodePointerPart(v.slice(21).split('/')[0]!));
      else refNames(v, out);
    }
  }
  return out;
}

/** The components reachable from `roots` (the paths), sorted by name; the others are dropped. */
export function reachable(roots: unknown, components: Record<string, JsonObject>): Record<string, JsonObject> {
  const seen = new Set<string>();
  const queue = [...refNames(roots, new Set())];
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (seen.has(name) || !components[name]) continue;
    seen.add(name);
    queue.push(...refNames(components[name], new Set()));
  }
  return Object.fromEntries([...seen].sort((a, b) => a.localeCompare(b)).map((n) => [n, components[n]!]));
}
