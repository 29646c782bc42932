import { loadSchemas } from '../kb/schema-validator.ts';

/** A JSON Schema as a plain object. */
export type JsonSchema = Record<string, unknown>;

/** Keywords whose value maps names to subschemas (the names are data, not keywords). */
const schemaMaps = new Set(['properties', 'patternProperties', 'dependentSchemas', '$defs', 'definitions']);
/** Keywords whose value is data, never a schema: not walked. */
const dataKeywords = new Set(['enum', 'const', 'default', 'examples', 'required']);
/** Keywords that say what a schema is, not what it allows: a `$ref`'s siblings may override them. */
const annotations = new Set(['title', 'description', 'examples', 'default', '$comment', 'deprecated', 'readOnly', 'writeOnly']);
/** Keywords dropped from the self-contained result: identity and the definitions that were inlined. */
const dropped = new Set(['$schema', '$id', '$defs', 'definitions', '$comment', '$anchor']);

interface Doc {
  readonly key: string;
  readonly root: JsonSchema;
}

const isObject = (v: unknown): v is JsonSchema => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Turns one of the project's schemas (`diagnose-request`, `diagnose-result`, …) into a self-contained
 * schema: every `$ref` (to another file of schemas/ or to a local `$defs` entry) replaced by the schema
 * it points to, `$schema`/`$id`/`$defs` removed. The result uses only keywords that mean the same in
 * JSON Schema draft-07 and 2020-12, so MCP clients of either draft can read it.
 */
export function inlineProjectSchema(name: string, schemas: Record<string, object> = loadSchemas()): JsonSchema {
  const docs = indexDocs(schemas);
  const file = name.endsWith('.schema.json') ? name : `${name}.schema.json`;
  const doc = docs.get(file);
  if (!doc) throw new Error(`schema ${file} not found`);
  return inlineSchema(doc.root, doc, docs, []) as JsonSchema;
}

/**
 * Makes an ad-hoc schema self-contained; its `$ref`s may point into schemas/
 * (`common.schema.json#/$defs/lang`) or at its own `$defs`.
 */
export function inlineWithProjectRefs(schema: JsonSchema, schemas: Record<string, object> = loadSchemas()): JsonSchema {
  const docs = indexDocs(schemas);
  const doc = { key: '(inline)', root: schema };
  return inlineSchema(schema, doc, docs, []) as JsonSchema;
}

function indexDocs(schemas: Record<string, object>): Map<string, Doc> {
  const docs = new Map<string, Doc>();
  for (const [file, schema] of Object.entries(schemas)) {
    if (!isObject(schema)) continue;
    const doc = { key: file, root: schema };
    docs.set(file, doc);
    if (typeof schema['$id'] === 'string') docs.set(schema['$id'], doc);
  }
  return docs;
}

function resolvePointer(root: JsonSchema, pointer: string, ref: string): unknown {
  let node: unknown = root;
  for (const raw of pointer.split('/').slice(1)) {
    const part = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isObject(node) && !Array.isArray(node)) throw new Error(`$ref ${ref}: nothing at ${pointer}`);
    node = (node as Record<string, unknown>)[part];
  }
  if (node === undefined) throw new Error(`$ref ${ref}: nothing at ${pointer}`);
  return node;
}

function resolveRef(ref: string, base: Doc, docs: ReadonlyMap<string, Doc>): { node: unknown; doc: Doc } {
  const hash = ref.indexOf('#');
  const location = hash === -1 ? ref : ref.slice(0, hash);
  const pointer = hash === -1 ? '' : ref.slice(hash + 1);
  let doc = base;
  if (location !== '') {
    const fileName = location.slice(location.lastIndexOf('/') + 1);
    const found = docs.get(location) ?? docs.get(fileName);
    if (!found) throw new Error(`$ref ${ref}: unknown schema ${location}`);
    doc = found;
  }
  return { node: pointer === '' ? doc.root : resolvePointer(doc.root, pointer, ref), doc };
}

function inlineSchema(node: unknown, doc: Doc, docs: ReadonlyMap<string, Doc>, stack: readonly string[]): unknown {
  if (Array.isArray(node)) return node.map((item) => inlineSchema(item, doc, docs, stack));
  if (!isObject(node)) return node;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' || dropped.has(key)) continue;
    if (dataKeywords.has(key)) out[key] = value;
    else if (schemaMaps.has(key) && isObject(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, inlineSchema(sub, doc, docs, stack)]));
    } else out[key] = inlineSchema(value, doc, docs, stack);
  }
  const ref = node['$ref'];
  if (typeof ref !== 'string') return out;
  const target = resolveRef(ref, doc, docs);
  const id = `${target.doc.key}#${ref.includes('#') ? ref.slice(ref.indexOf('#') + 1) : ''}`;
  if (stack.includes(id)) throw new Error(`$ref ${ref} is recursive; it cannot be inlined`);
  const resolved = inlineSchema(target.node, target.doc, docs, [...stack, id]);
  if (!isObject(resolved)) return resolved;
  // Siblings of $ref that only annotate (a more specific description) override the target's;
  // anything that constrains is kept beside it with allOf, so nothing the writer said is lost.
  const clash = Object.keys(out).some((k) => !annotations.has(k) && Object.hasOwn(resolved, k));
  return clash ? { allOf: [resolved], ...out } : { ...resolved, ...out };
}
