import type { FastifyInstance, RouteOptions } from 'fastify';
import { componentName, schemaBase } from './schemas.ts';

/** What a route adds to its schema for the OpenAPI document only (fastify ignores these keys). */
export interface RouteDocs {
  summary?: string;
  description?: string;
  tags?: string[];
  operationId?: string;
}

interface RouteSchema extends RouteDocs {
  body?: Record<string, unknown>;
  querystring?: { properties?: Record<string, Record<string, unknown>>; required?: string[] };
  params?: { properties?: Record<string, Record<string, unknown>>; required?: string[] };
  headers?: { properties?: Record<string, Record<string, unknown>>; required?: string[] };
  response?: Record<string, Record<string, unknown> & { description?: string; contentType?: string }>;
}

interface CollectedRoute {
  readonly method: string;
  readonly url: string;
  readonly schema: RouteSchema;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Rewrites `$ref`s to the registered schemas into references to the document's components. */
function toComponentRefs(value: unknown, ids: ReadonlySet<string>): Json {
  if (Array.isArray(value)) return value.map((v) => toComponentRefs(v, ids));
  if (value === null || typeof value !== 'object') return value as Json;
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === '$ref' && typeof v === 'string') {
      const [id = '', pointer = ''] = v.split('#');
      out[k] = ids.has(id) ? `#/components/schemas/${componentName(id)}${pointer}` : v;
    } else {
      out[k] = toComponentRefs(v, ids);
    }
  }
  return out;
}

/** Every `$ref` in a schema, resolved against the schema's `$id`, without the fragment. */
function refsOf(schema: unknown, base: string, out: Set<string>): Set<string> {
  if (Array.isArray(schema)) for (const v of schema) refsOf(v, base, out);
  else if (schema !== null && typeof schema === 'object') {
    for (const [k, v] of Object.entries(schema)) {
      if (k === '$ref' && typeof v === 'string' && !v.startsWith('#')) out.add(new URL(v, base).href.split('#')[0]!);
      else refsOf(v, base, out);
    }
  }
  return out;
}

const pathParams = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/**
 * Collects the routes as they are registered and builds an OpenAPI 3.1 document from their schemas.
 * The project's JSON Schemas go into `components.schemas` unchanged (OpenAPI 3.1 schema objects are
 * JSON Schema 2020-12), so the document cannot drift from what the server validates.
 */
export function collectRoutes(app: FastifyInstance): () => Record<string, unknown> {
  const routes: CollectedRoute[] = [];
  app.addHook('onRoute', (route: RouteOptions) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!route.schema) return;
    for (const method of methods) if (method !== 'HEAD') routes.push({ method: method.toLowerCase(), url: route.url, schema: route.schema as RouteSchema });
  });
  let doc: Record<string, unknown> | undefined;
  return () => (doc ??= buildDocument(app, routes));
}

function buildDocument(app: FastifyInstance, routes: readonly CollectedRoute[]): Record<string, unknown> {
  const registered = app.getSchemas() as Record<string, Record<string, unknown>>;
  const byId = new Map(Object.values(registered).map((s) => [String(s['$id']), s]));
  const ids = new Set(byId.keys());
  const used = new Set<string>();
  const paths: Record<string, Record<string, unknown>> = {};
  for (const { method, url, schema } of routes) {
    const parameters: Json[] = [];
    const addParams = (where: 'query' | 'path' | 'header', part: RouteSchema['querystring']) => {
      for (const [name, s] of Object.entries(part?.properties ?? {})) {
        const { description, ...rest } = s as { description?: string };
        parameters.push({
          name,
          in: where,
          required: where === 'path' || (part?.required ?? []).includes(name),
          ...(description ? { description } : {}),
          schema: toComponentRefs(rest, ids),
        });
      }
    };
    addParams('path', schema.params);
    addParams('query', schema.querystring);
    addParams('header', schema.headers);
    const responses: Record<string, Json> = {};
    for (const [status, s] of Object.entries(schema.response ?? {})) {
      const { description, contentType, ...rest } = s;
      responses[status.toUpperCase()] = {
        description: description ?? (status.startsWith('2') ? 'Success' : 'Error'),
        content: { [contentType ?? 'application/json']: { schema: toComponentRefs(rest, ids) } },
      };
    }
    const op: Record<string, Json> = {
      ...(schema.operationId ? { operationId: schema.operationId } : {}),
      ...(schema.summary ? { summary: schema.summary } : {}),
      ...(schema.description ? { description: schema.description } : {}),
      ...(schema.tags ? { tags: schema.tags } : {}),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(schema.body ? { requestBody: { required: true, content: { 'application/json': { schema: toComponentRefs(schema.body, ids) } } } } : {}),
      responses,
    };
    refsOf(schema, schemaBase, used);
    (paths[pathParams(url)] ??= {})[method] = op;
  }
  // The schemas the routes use, and the ones those refer to, unchanged.
  const components: Record<string, unknown> = {};
  const queue = [...used];
  while (queue.length > 0) {
    const id = queue.shift()!;
    const s = byId.get(id);
    if (!s || Object.hasOwn(components, componentName(id))) continue;
    components[componentName(id)] = s;
    for (const r of refsOf(s, id, new Set())) queue.push(r);
  }
  const sorted = Object.fromEntries(Object.entries(components).sort(([a], [b]) => a.localeCompare(b)));
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'Exchange connection troubleshooting API',
      version: '1',
      description:
        'From an Exchange (EWS) connection error message and known facts to ranked causes with guidance in German or English. ' +
        'Language: the `lang` field or query parameter, else Accept-Language. Errors are `{code, message, field}` with a stable code.',
    },
    paths,
    components: { schemas: sorted },
  };
}
