import type { FastifyInstance, RouteOptions } from 'fastify';
import type { CompiledKnowledgeBase } from '../engine/knowledge-base.ts';
import type { ServerLimits } from './limits.ts';
import { ComponentBundler, type Json, type JsonObject, reachable } from './openapi-bundle.ts';
import { causeIds, feedbackPairs, inputFactsSchema, symptomIds } from './openapi-kb.ts';
import { schemaBase } from './schemas.ts';

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
  /** The route counts against the rate limit (429 possible). */
  readonly limited: boolean;
}

const pathParams = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

const apiError = { $ref: '#/components/schemas/ApiError' };

const tagDescriptions: Record<string, string> = {
  diagnose: 'From an error message and facts to ranked causes.',
  'knowledge base': 'What the knowledge base knows: symptoms, causes, facts, known messages.',
  feedback: 'Which cause solved a case.',
  meta: 'This document, liveness and readiness.',
};

/**
 * Collects the routes as they are registered; returns a function that builds the OpenAPI 3.1 document
 * for the knowledge base being served (once per knowledge base: a reload can change the ids and
 * facts it lists).
 */
export function collectRoutes(app: FastifyInstance, limits: ServerLimits): (kb: CompiledKnowledgeBase) => Record<string, unknown> {
  const routes: CollectedRoute[] = [];
  app.addHook('onRoute', (route: RouteOptions) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!route.schema) return;
    const own = (route.config as { rateLimit?: unknown } | undefined)?.rateLimit;
    // A route with a limit of its own (feedback, the live test) is limited even without the general one.
    const limited = (limits.rateLimitMax > 0 && own !== false) || (typeof own === 'object' && own !== null);
    for (const method of methods) if (method !== 'HEAD') routes.push({ method: method.toLowerCase(), url: route.url, schema: route.schema as RouteSchema, limited });
  });
  const docs = new WeakMap<CompiledKnowledgeBase, Record<string, unknown>>();
  return (kb) => {
    let doc = docs.get(kb);
    if (!doc) {
      doc = buildDocument(app, routes, kb, limits);
      docs.set(kb, doc);
    }
    return doc;
  };
}

function buildDocument(app: FastifyInstance, routes: readonly CollectedRoute[], kb: CompiledKnowledgeBase, limits: ServerLimits): Record<string, unknown> {
  const registered = app.getSchemas() as Record<string, JsonObject>;
  const bundler = new ComponentBundler(new Map(Object.values(registered).map((s) => [String(s['$id']), s])));
  const local = (schema: unknown) => bundler.rewrite(schema, schemaBase);
  const paths: Record<string, Record<string, Json>> = {};
  for (const { method, url, schema, limited } of routes) {
    const parameters: Json[] = [];
    const addParams = (where: 'query' | 'path' | 'header', part: RouteSchema['querystring']) => {
      for (const [name, s] of Object.entries(part?.properties ?? {})) {
        const { description, ...rest } = s as { description?: string };
        parameters.push({ name, in: where, required: where === 'path' || (part?.required ?? []).includes(name), ...(description ? { description } : {}), schema: local(rest) });
      }
    };
    addParams('path', schema.params);
    addParams('query', schema.querystring);
    addParams('header', schema.headers);
    const responses: Record<string, Json> = {};
    for (const [status, s] of Object.entries(schema.response ?? {})) {
      const { description, contentType, ...rest } = s;
      responses[status.toUpperCase()] = { description: description ?? (status.startsWith('2') ? 'Success' : 'Error'), content: { [contentType ?? 'application/json']: { schema: local(rest) } } };
    }
    // Any route can meet a bad request line or header (400, 431) before it runs.
    responses['4XX'] ??= { description: 'The request is at fault; see `code` and `field`.', content: { 'application/json': { schema: apiError } } };
    if (limited) {
      responses['429'] = {
        description: `Too many requests from this client (RATE_LIMITED): at most ${limits.rateLimitMax} per ${limits.rateLimitWindowMs} ms.`,
        headers: { 'retry-after': { description: 'Seconds until a request is accepted again.', schema: { type: 'integer', minimum: 0 } } },
        content: { 'application/json': { schema: apiError } },
      };
    }
    const op: Record<string, Json> = {
      ...(schema.operationId ? { operationId: schema.operationId } : {}),
      ...(schema.summary ? { summary: schema.summary } : {}),
      ...(schema.description ? { description: schema.description } : {}),
      ...(schema.tags ? { tags: schema.tags } : {}),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(schema.body
        ? { requestBody: { required: true, description: `JSON in UTF-8, at most ${limits.bodyLimit} bytes (else 413 BODY_TOO_LARGE) and ${limits.maxDepth} levels deep (else 400 BODY_TOO_DEEP).`, content: { 'application/json': { schema: local(schema.body) } } } }
        : {}),
      responses: Object.fromEntries(Object.entries(responses).sort(([a], [b]) => a.localeCompare(b))),
    };
    (paths[pathParams(url)] ??= {})[method] = op;
  }
  const components = bundler.components();
  forKnowledgeBase(paths, components, kb, limits);
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'Exchange connection troubleshooting API',
      version: kb.data.settings.version,
      description:
        'From an Exchange (EWS) connection error message and known facts to ranked causes with guidance in German or English. ' +
        'Language: the `lang` field or query parameter, else Accept-Language. Errors are `{code, message, field, requestId}` with a stable code. ' +
        `The ids, fact names and values listed are those of the knowledge base being served (${kb.data.settings.name} ${kb.data.settings.version}).`,
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: '/', description: 'This server' }],
    // No authentication: deployments put the API behind their own gateway when they need one.
    security: [],
    tags: [...new Set(routes.flatMap((r) => r.schema.tags ?? []))].sort().map((name) => ({ name, description: tagDescriptions[name] ?? name })),
    paths,
    components: { schemas: reachable(paths, components) },
  };
}

/** Writes the knowledge base's ids, facts and the server's limits into the bundled schemas. */
function forKnowledgeBase(paths: Record<string, Record<string, Json>>, components: Record<string, JsonObject>, kb: CompiledKnowledgeBase, limits: ServerLimits): void {
  const props = (name: string) => (components[name]?.['properties'] ?? {}) as Record<string, JsonObject>;
  const request = props('DiagnoseRequest');
  if (request['message']) request['message'] = { ...request['message'], maxLength: limits.maxMessageLength };
  if (request['symptom']) request['symptom'] = { description: String(request['symptom']['description'] ?? ''), type: 'string', enum: symptomIds(kb) };
  for (const field of ['facts', 'observed']) if (request[field]) request[field] = { ...request[field], $ref: '#/components/schemas/InputFacts' };
  components['InputFacts'] = inputFactsSchema(kb);

  const feedback = components['FeedbackRequest'];
  if (feedback) {
    const fp = props('FeedbackRequest');
    fp['symptom'] = { description: String(fp['symptom']?.['description'] ?? ''), anyOf: [{ type: 'string', enum: symptomIds(kb) }, { type: 'null' }] };
    fp['cause'] = { description: String(fp['cause']?.['description'] ?? ''), type: 'string', enum: causeIds(kb) };
    feedback['anyOf'] = feedbackPairs(kb);
  }

  const getCause = paths['/v1/causes/{id}']?.['get'] as { parameters?: { name: string; in: string; schema: Json }[] } | undefined;
  for (const p of getCause?.parameters ?? []) if (p.in === 'path' && p.name === 'id') p.schema = { type: 'string', enum: causeIds(kb) };
}
